package marketplace

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Account statuses as stored.
const (
	StatusActive      = "active"
	StatusPaused      = "paused"
	StatusNeedsReauth = "needs_reauth"
)

// State is what the settings page and the alarms say about an account.
type State string

const (
	StateOK       State = "ok"
	StatePaused   State = "paused"
	StateReauth   State = "needs_reauth" // the marketplace revoked the grant: connect again
	StateExpiring State = "expiring"     // the refresh token ends soon: connect again before
	StateWaiting  State = "waiting"      // nothing has arrived yet: forwarding not set up or not tested
	StateSilent   State = "silent"       // nothing arrived for longer than the alarm: forwarding broke?
)

// ExpiryWarning is how early an admin hears that a refresh token will end (eBay's last 18 months).
const ExpiryWarning = 14 * 24 * time.Hour

// Health is an account's state with the time it refers to (the last message, the expiry...).
type Health struct {
	State State
	At    time.Time
}

// HealthOf judges an account at now. Silence alarms only where the account trades: with order
// data from the marketplace, silence while orders keep coming is the alarm; without order data,
// silence alone is (a selling store hears from buyers within the alarm window — broken forwarding
// is the commonest real failure, and it is silent).
func HealthOf(a Account, now time.Time) Health {
	switch {
	case a.Status == StatusPaused:
		return Health{State: StatePaused, At: deref(a.StatusAt)}
	case a.Status == StatusNeedsReauth:
		return Health{State: StateReauth, At: deref(a.StatusAt)}
	case a.CredentialsExpireAt != nil && a.CredentialsExpireAt.Sub(now) < ExpiryWarning:
		return Health{State: StateExpiring, At: *a.CredentialsExpireAt}
	case a.LastMessageAt == nil:
		return Health{State: StateWaiting, At: a.CreatedAt}
	}
	window := time.Duration(a.SilenceAlarmHours) * time.Hour
	last := *a.LastMessageAt
	if now.Sub(last) > window && (a.LastOrderAt == nil || now.Sub(*a.LastOrderAt) <= window) {
		return Health{State: StateSilent, At: last}
	}
	return Health{State: StateOK, At: last}
}

// FlagRevoked marks an account whose grant the marketplace refused (eBay's invalid_grant): no job
// retries it until an admin connects again. reason is the marketplace's own answer.
func (s *Service) FlagRevoked(ctx context.Context, tenantID uuid.UUID, id int64, reason string) error {
	return s.setStatus(ctx, tenantID, id, StatusNeedsReauth, reason)
}

// Pause stops an account's jobs; Resume starts them again.
func (s *Service) Pause(ctx context.Context, sc tenant.Scope, id int64) error {
	return s.setStatusAudited(ctx, sc, id, StatusPaused)
}

// Resume makes a paused account active again.
func (s *Service) Resume(ctx context.Context, sc tenant.Scope, id int64) error {
	return s.setStatusAudited(ctx, sc, id, StatusActive)
}

func (s *Service) setStatusAudited(ctx context.Context, sc tenant.Scope, id int64, status string) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		a, err := q.MarketplaceAccountGet(ctx, dbsqlc.MarketplaceAccountGetParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return store.NotFound(err)
		}
		if status == StatusActive && a.Status == StatusNeedsReauth {
			// Only a new grant (SetCredentials) ends needs_reauth.
			return nil
		}
		if _, err := q.MarketplaceAccountSetStatus(ctx, dbsqlc.MarketplaceAccountSetStatusParams{TenantID: a.TenantID, ID: a.ID,
			Status: status, StatusAt: timePtr(time.Now())}); err != nil {
			return err
		}
		return tenant.Audit(ctx, q, sc, "marketplace.account."+status, map[string]any{"account_id": id})
	})
}

func (s *Service) setStatus(ctx context.Context, tenantID uuid.UUID, id int64, status, reason string) error {
	return s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		_, err := q.MarketplaceAccountSetStatus(ctx, dbsqlc.MarketplaceAccountSetStatusParams{TenantID: tenantID, ID: id,
			Status: status, StatusReason: reason, StatusAt: timePtr(time.Now())})
		return err
	})
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
