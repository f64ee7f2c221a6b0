package conversation

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// UndoWindow is how long the page offers to undo a status change. The server keeps the undo a
// little longer, so a click in the last second still arrives in time.
const (
	UndoWindow = 10 * time.Second
	undoGrace  = 20 * time.Second
)

// StatusResult is what ChangeStatus did: nothing (the ticket already had that status), or a
// change that UndoStatus can take back by its id.
type StatusResult struct {
	Changed bool
	From    string
	UndoID  int64
}

var errUnchanged = errors.New("conversation: status unchanged")

// ChangeStatus moves the ticket (snoozed needs a time in the future) and keeps what an undo needs
// to put back: the status and snooze time, and the SLA state exactly as it was before.
func (s *Service) ChangeStatus(ctx context.Context, sc tenant.Scope, number int64, status string, until *time.Time) (StatusResult, error) {
	var res StatusResult
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		t, err := q.TicketForUpdate(ctx, dbsqlc.TicketForUpdateParams{TenantID: sc.TenantID(), Number: number})
		if err != nil {
			return notFound(err)
		}
		if err := refuseMergedAway(t); err != nil {
			return err
		}
		now := s.now()
		if err := q.StatusUndoPrune(ctx, dbsqlc.StatusUndoPruneParams{TenantID: sc.TenantID(), TicketID: t.ID, Now: now}); err != nil {
			return err
		}
		undoID, err := q.StatusUndoCreate(ctx, dbsqlc.StatusUndoCreateParams{TenantID: sc.TenantID(), TicketID: t.ID, UserID: sc.UserID,
			ExpiresAt: now.Add(UndoWindow + undoGrace)})
		if err != nil {
			return err
		}
		kind, data, err := s.setStatus(ctx, q, sc, t, status, until)
		if err != nil {
			return err
		}
		if kind == "" {
			return errUnchanged // rolls the snapshot back
		}
		if status == "snoozed" {
			if err := s.scheduleWake(ctx, tx, sc.TenantID(), t.ID, *until); err != nil {
				return err
			}
		}
		if err := event(ctx, q, tx, sc, t.ID, kind, data); err != nil {
			return err
		}
		if err := s.changed(ctx, q, tx, sc, t.ID, TriggerStatusChanged, 0); err != nil {
			return err
		}
		res = StatusResult{Changed: true, From: t.Status, UndoID: undoID}
		return q.StatusUndoSettle(ctx, dbsqlc.StatusUndoSettleParams{TenantID: sc.TenantID(), ID: undoID})
	})
	if errors.Is(err, errUnchanged) {
		return StatusResult{}, nil
	}
	return res, err
}

// UndoStatus takes a status change back: the previous status and snooze time, and the ticket's
// SLA targets, due time, state and finished records exactly as they were. The undone change
// leaves the SLA status trail, so later recomputations see the ticket as if it never happened.
// It is refused when the time is up, when it is someone else's change, or when the ticket has
// changed since (anyone's change, a new message): then there is no "before" to return to.
// What rules did because of the change (a tag, a priority) stays, each on the trail.
func (s *Service) UndoStatus(ctx context.Context, sc tenant.Scope, number, undoID int64) error {
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		t, err := q.TicketForUpdate(ctx, dbsqlc.TicketForUpdateParams{TenantID: sc.TenantID(), Number: number})
		if err != nil {
			return notFound(err)
		}
		if err := refuseMergedAway(t); err != nil {
			return err
		}
		u, err := q.StatusUndoGet(ctx, dbsqlc.StatusUndoGetParams{TenantID: sc.TenantID(), ID: undoID, TicketID: t.ID})
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && (u.UndoneAt != nil || u.UserID != sc.UserID || !u.EventID.Valid)) {
			return validate.Errors{"status": "ticket.undo_gone"}
		} else if err != nil {
			return err
		}
		now := s.now()
		if !now.Before(u.ExpiresAt) {
			return validate.Errors{"status": "ticket.undo_expired"}
		}
		last, err := q.TicketLastEventID(ctx, dbsqlc.TicketLastEventIDParams{TenantID: sc.TenantID(), TicketID: t.ID})
		if err != nil {
			return err
		}
		if last != u.LastEventID.Int64 || t.MessageCount != u.MessageCount.Int32 {
			return validate.Errors{"status": "ticket.undo_moved_on"}
		}
		status, until := u.FromStatus, u.SnoozedUntil
		if status == "snoozed" && (until == nil || !until.After(now)) {
			// The snooze ran out meanwhile: it would have woken the ticket by now.
			status, until = "open", nil
		}
		if status != "snoozed" {
			until = nil
		}
		if err := q.StatusUndoRestoreTicket(ctx, dbsqlc.StatusUndoRestoreTicketParams{TenantID: sc.TenantID(), ID: u.ID, Status: status, SnoozedUntil: until}); err != nil {
			return err
		}
		if err := q.StatusUndoDeleteSLAs(ctx, dbsqlc.StatusUndoDeleteSLAsParams{TenantID: sc.TenantID(), TicketID: t.ID}); err != nil {
			return err
		}
		if err := q.StatusUndoRestoreSLAs(ctx, dbsqlc.StatusUndoRestoreSLAsParams{TenantID: sc.TenantID(), ID: u.ID}); err != nil {
			return err
		}
		if err := q.StatusUndoDeleteRecords(ctx, dbsqlc.StatusUndoDeleteRecordsParams{TenantID: sc.TenantID(), TicketID: t.ID}); err != nil {
			return err
		}
		if err := q.StatusUndoRestoreRecords(ctx, dbsqlc.StatusUndoRestoreRecordsParams{TenantID: sc.TenantID(), ID: u.ID}); err != nil {
			return err
		}
		if err := q.StatusUndoDone(ctx, dbsqlc.StatusUndoDoneParams{TenantID: sc.TenantID(), ID: u.ID, Now: &now}); err != nil {
			return err
		}
		if until != nil {
			if err := s.scheduleWake(ctx, tx, sc.TenantID(), t.ID, *until); err != nil {
				return err
			}
		}
		return event(ctx, q, tx, sc, t.ID, "status_undone", map[string]any{"from": t.Status, "to": status})
	})
}
