package conversation

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// WakeArgs reopens a snoozed ticket at its snooze time. Scheduled per snooze, so nothing scans for
// due tickets.
type WakeArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	TicketID int64     `json:"ticket_id"`
	Until    time.Time `json:"until"`
}

// Kind names the job.
func (WakeArgs) Kind() string { return "ticket.wake" }

// InsertOpts: one wake-up per ticket and snooze time, however often the form is sent.
func (WakeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// scheduleWake queues the wake-up in the snoozing transaction.
func (s *Service) scheduleWake(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, until time.Time) error {
	if s.jobs == nil {
		return nil
	}
	_, err := s.jobs.InsertTx(ctx, tx, WakeArgs{TenantID: tenantID, TicketID: ticketID, Until: until.UTC()},
		&river.InsertOpts{ScheduledAt: until, Metadata: TenantMetadata(tenantID)})
	return err
}

// Wake reopens the ticket if it is still snoozed until that time; a ticket snoozed again to a
// later time, or already reopened, is left alone.
func (s *Service) Wake(ctx context.Context, a WakeArgs) error {
	sc := tenant.Scope{Workspace: tenant.Workspace{ID: a.TenantID}}
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: a.TenantID, ID: a.TicketID})
		if err != nil {
			return notFound(err)
		}
		if t.Status != "snoozed" || t.SnoozedUntil == nil || t.SnoozedUntil.After(s.now()) {
			return nil
		}
		if err := q.TicketSetStatus(ctx, dbsqlc.TicketSetStatusParams{TenantID: a.TenantID, ID: t.ID, Status: "open"}); err != nil {
			return err
		}
		if err := event(ctx, q, tx, sc, t.ID, "woke", map[string]any{"until": a.Until.Format(time.RFC3339)}); err != nil {
			return err
		}
		return s.changed(ctx, q, tx, sc, t.ID, TriggerStatusChanged, 0)
	})
}
