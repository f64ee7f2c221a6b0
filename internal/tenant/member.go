package tenant

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Member is a person in a workspace.
type Member = dbsqlc.MembershipListRow

// Members lists the workspace's people (admins only: it shows everyone's email).
func (s *Service) Members(ctx context.Context, sc Scope) ([]Member, error) {
	if err := sc.Require(RoleAdmin); err != nil {
		return nil, err
	}
	var out []Member
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.MembershipList(ctx, sc.TenantID())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tenant: members: %w", err)
	}
	return out, nil
}

// SetRole changes a person's role. The last admin cannot be demoted, so a workspace always has
// someone who can administer it.
func (s *Service) SetRole(ctx context.Context, sc Scope, userID uuid.UUID, role Role) error {
	if err := sc.Require(RoleAdmin); err != nil {
		return err
	}
	if !role.Valid() {
		return validate.Errors{"role": "people.role_invalid"}
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		m, err := q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: sc.TenantID(), UserID: userID})
		if err != nil {
			return store.NotFound(err)
		}
		if Role(m.Role) == RoleAdmin && role != RoleAdmin {
			if err := lastAdminGuard(ctx, q, sc); err != nil {
				return err
			}
		}
		if _, err := q.MembershipSetRole(ctx, dbsqlc.MembershipSetRoleParams{TenantID: sc.TenantID(), UserID: userID, Role: string(role)}); err != nil {
			return err
		}
		return Audit(ctx, q, sc, "member.role_changed", map[string]any{"user_id": userID, "from": m.Role, "to": role})
	})
}

// RemoveMember takes a person out of the workspace (their account stays for other workspaces).
func (s *Service) RemoveMember(ctx context.Context, sc Scope, userID uuid.UUID) error {
	if err := sc.Require(RoleAdmin); err != nil {
		return err
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		m, err := q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: sc.TenantID(), UserID: userID})
		if err != nil {
			return store.NotFound(err)
		}
		if Role(m.Role) == RoleAdmin {
			if err := lastAdminGuard(ctx, q, sc); err != nil {
				return err
			}
		}
		if _, err := q.MembershipDelete(ctx, dbsqlc.MembershipDeleteParams{TenantID: sc.TenantID(), UserID: userID}); err != nil {
			return err
		}
		return Audit(ctx, q, sc, "member.removed", map[string]any{"user_id": userID, "role": m.Role})
	})
}

func lastAdminGuard(ctx context.Context, q *dbsqlc.Queries, sc Scope) error {
	n, err := q.MembershipCountAdmins(ctx, sc.TenantID())
	if err != nil {
		return err
	}
	if n <= 1 {
		return validate.Errors{"role": "people.last_admin"}
	}
	return nil
}
