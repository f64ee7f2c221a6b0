package compliance

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// AllowedDomain is a link domain the workspace allows in marketplace replies.
type AllowedDomain = dbsqlc.ComplianceAllowedDomain

var domainRe = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// NormalizeDomain reduces what an admin typed ("https://www.Brand.com/help") to the domain
// ("brand.com"); ok is false when no domain is there.
func NormalizeDomain(in string) (string, bool) {
	d := strings.ToLower(strings.TrimSpace(in))
	if strings.Contains(d, "://") {
		if u, err := url.Parse(d); err == nil {
			d = u.Hostname()
		}
	}
	d, _, _ = strings.Cut(d, "/")
	d = strings.TrimSuffix(strings.TrimPrefix(d, "www."), ".")
	return d, len(d) <= 253 && domainRe.MatchString(d)
}

// AllowedDomains lists the workspace's extra link domains.
func (s *Service) AllowedDomains(ctx context.Context, sc tenant.Scope) ([]AllowedDomain, error) {
	var out []AllowedDomain
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.AllowedDomains(ctx, sc.TenantID())
		return err
	})
	return out, err
}

// AllowDomain adds a link domain (an admin's change, audited). Adding one already there changes
// nothing and is not an error.
func (s *Service) AllowDomain(ctx context.Context, sc tenant.Scope, input string) (string, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return "", err
	}
	d, ok := NormalizeDomain(input)
	if !ok {
		return "", validate.Errors{"domain": "compliance.domain_invalid"}
	}
	return d, s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		_, err := q.AllowedDomainAdd(ctx, dbsqlc.AllowedDomainAddParams{TenantID: sc.TenantID(), Domain: d, AddedBy: uuid.NullUUID{UUID: sc.UserID, Valid: sc.UserID != uuid.Nil}})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		return tenant.Audit(ctx, q, sc, "compliance.domain_allowed", map[string]any{"domain": d})
	})
}

// RemoveDomain takes a link domain off the allow-list (an admin's change, audited).
func (s *Service) RemoveDomain(ctx context.Context, sc tenant.Scope, id uuid.UUID) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		d, err := q.AllowedDomainRemove(ctx, dbsqlc.AllowedDomainRemoveParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return store.NotFound(err)
		}
		return tenant.Audit(ctx, q, sc, "compliance.domain_removed", map[string]any{"domain": d})
	})
}

func allowedList(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID) ([]string, error) {
	rows, err := q.AllowedDomains(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Domain
	}
	return out, nil
}
