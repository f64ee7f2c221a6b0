package marketplace

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Credentials are what an account needs to call its marketplace: eBay's user refresh token from
// the consent flow, or the seller's Login with Amazon refresh token for SP-API. Open only while a
// call is made.
type Credentials struct {
	RefreshToken string `json:"refresh_token,omitempty"`
	// The marketplace's name for the seller (eBay user id, SP-API selling partner id).
	SellerID string `json:"seller_id,omitempty"`
}

func aad(tenantID uuid.UUID, id int64) []byte {
	return []byte("marketplace_accounts/" + tenantID.String() + "/" + strconv.FormatInt(id, 10))
}

// SetCredentials seals and stores an account's credentials (after a consent flow or when an admin
// enters SP-API keys), with the time the refresh token stops working (zero: not known). A stored
// grant makes a flagged account active again.
func (s *Service) SetCredentials(ctx context.Context, sc tenant.Scope, id int64, c Credentials, expires time.Time) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		a, err := q.MarketplaceAccountGet(ctx, dbsqlc.MarketplaceAccountGetParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return store.NotFound(err)
		}
		err = q.MarketplaceAccountSetCredentials(ctx, dbsqlc.MarketplaceAccountSetCredentialsParams{TenantID: a.TenantID, ID: a.ID,
			Credentials: s.keys.Seal(b, aad(a.TenantID, a.ID)), CredentialsExpireAt: timePtr(expires)})
		if err != nil {
			return err
		}
		if a.Status == StatusNeedsReauth {
			if _, err := q.MarketplaceAccountSetStatus(ctx, dbsqlc.MarketplaceAccountSetStatusParams{TenantID: a.TenantID, ID: a.ID,
				Status: StatusActive, StatusAt: timePtr(time.Now())}); err != nil {
				return err
			}
		}
		return tenant.Audit(ctx, q, sc, "marketplace.account.credentials", map[string]any{"account_id": a.ID})
	})
}

// OpenCredentials reads an account's credentials (zero when none are stored).
func (s *Service) OpenCredentials(a Account) (Credentials, error) {
	var c Credentials
	if len(a.Credentials) == 0 {
		return c, nil
	}
	b, err := s.keys.Open(a.Credentials, aad(a.TenantID, a.ID))
	if err != nil {
		return c, fmt.Errorf("marketplace: account %d credentials: %w", a.ID, err)
	}
	return c, json.Unmarshal(b, &c)
}

// Rotate re-seals every account's credentials under the current key, one workspace per
// transaction, and reports how many it re-sealed.
func Rotate(ctx context.Context, st *store.Store, keys *secret.Keyring, progress func(done, total int)) (int, error) {
	n := 0
	err := st.EachTenant(ctx, progress, func(q *dbsqlc.Queries, tid uuid.UUID) error {
		rows, err := q.MarketplaceAccountsAllCredentials(ctx, tid)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if secret.KeyID(r.Credentials) == keys.CurrentID() {
				continue
			}
			plain, err := keys.Open(r.Credentials, aad(r.TenantID, r.ID))
			if err != nil {
				return fmt.Errorf("marketplace: account %d of workspace %s: %w", r.ID, r.TenantID, err)
			}
			a, err := q.MarketplaceAccountGet(ctx, dbsqlc.MarketplaceAccountGetParams{TenantID: r.TenantID, ID: r.ID})
			if err != nil {
				return err
			}
			if err := q.MarketplaceAccountSetCredentials(ctx, dbsqlc.MarketplaceAccountSetCredentialsParams{TenantID: r.TenantID, ID: r.ID,
				Credentials: keys.Seal(plain, aad(r.TenantID, r.ID)), CredentialsExpireAt: a.CredentialsExpireAt}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// timePtr is nil for the zero time (a NULL column).
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
