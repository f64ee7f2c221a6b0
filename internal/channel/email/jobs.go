package email

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// SyncArgs syncs one account. Wake distinguishes a sync an IMAP IDLE asked for from the
// periodic one, so a wake is never swallowed by the period's uniqueness.
type SyncArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	AccountID int64     `json:"account_id"`
	Wake      string    `json:"wake,omitempty"`
}

// Kind names the job.
func (SyncArgs) Kind() string { return "mail.sync" }

// SyncAllArgs is the periodic fan-out: one SyncArgs per active account.
type SyncAllArgs struct{}

// Kind names the job.
func (SyncAllArgs) Kind() string { return "mail.sync_all" }

// SyncOpts makes one sync per account and period: a sync stuck in a crashed process blocks at
// most its own period, and two overlapping syncs are harmless anyway (see Sync).
func SyncOpts(tenantID uuid.UUID, period time.Duration) *river.InsertOpts {
	return &river.InsertOpts{
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: period},
		Metadata:   conversation.TenantMetadata(tenantID),
	}
}

// EnqueueAll inserts a sync for every active account with a mailbox.
func (s *Service) EnqueueAll(ctx context.Context, jobs *river.Client[pgx.Tx], period time.Duration) (int, error) {
	var rows []dbsqlc.EmailAccountsToSyncRow
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		rows, err = q.EmailAccountsToSync(ctx)
		return err
	})
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	params := make([]river.InsertManyParams, len(rows))
	for i, r := range rows {
		params[i] = river.InsertManyParams{Args: SyncArgs{TenantID: r.TenantID, AccountID: r.AccountID}, InsertOpts: SyncOpts(r.TenantID, period)}
	}
	if _, err := jobs.InsertMany(ctx, params); err != nil {
		return 0, fmt.Errorf("email: enqueue syncs: %w", err)
	}
	return len(rows), nil
}
