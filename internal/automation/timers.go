package automation

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// RuleTimerArgs runs one time-based rule on one ticket at its minute. Anchor is the instant the
// timer counts from (the customer's message, the due time); when the ticket has moved on (the
// customer wrote again, the due time changed) the job does nothing.
type RuleTimerArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	TicketID int64     `json:"ticket_id"`
	RuleID   uuid.UUID `json:"rule_id"`
	Anchor   time.Time `json:"anchor"`
}

// Kind names the job.
func (RuleTimerArgs) Kind() string { return "rule.timer" }

// InsertOpts: one job per rule, ticket and anchor.
func (RuleTimerArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "sla", UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func pgInt8(v int64) pgtype.Int8 { return pgtype.Int8{Int64: v, Valid: true} }

// scheduleSinceCustomer schedules the time rules that count from a customer message: N minutes
// after it, and the opening of business hours when it came in while closed.
func (e *Engine) scheduleSinceCustomer(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tid uuid.UUID, ticketID int64, lastCustomer *time.Time, rules []rule.Rule) error {
	if e.jobs == nil || lastCustomer == nil {
		return nil
	}
	now := *lastCustomer
	var params []river.InsertManyParams
	var opens *time.Time
	checked := false
	for _, r := range rules {
		at := now.Add(time.Duration(r.Minutes) * time.Minute)
		switch {
		case r.Trigger == rule.TriggerSinceCustomer && r.Minutes > 0:
		case r.Trigger == rule.TriggerHoursOpen:
			if !checked {
				checked = true
				cal, err := e.SLA.DefaultCalendar(ctx, q, tid)
				if err != nil {
					return err
				}
				// Written during business hours (or a calendar that never opens): nothing to wait for.
				if next, err := cal.NextOpen(now); err == nil && next.After(now) {
					opens = &next
				}
			}
			if opens == nil {
				continue
			}
			at = *opens
		default:
			continue
		}
		params = append(params, river.InsertManyParams{Args: RuleTimerArgs{TenantID: tid, TicketID: ticketID, RuleID: r.ID, Anchor: now.UTC()},
			InsertOpts: &river.InsertOpts{ScheduledAt: at, Metadata: conversation.TenantMetadata(tid)}})
	}
	return e.insertTimers(ctx, tx, params)
}

func (e *Engine) insertTimers(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	_, err := e.jobs.InsertManyTx(ctx, tx, params)
	return err
}

func (e *Engine) scheduleBeforeDue(ctx context.Context, tx pgx.Tx, tid uuid.UUID, ticketID int64, due time.Time, rules []rule.Rule) error {
	if e.jobs == nil {
		return nil
	}
	var params []river.InsertManyParams
	for _, r := range rules {
		if r.Trigger == rule.TriggerBeforeDue && r.Minutes > 0 {
			params = append(params, river.InsertManyParams{Args: RuleTimerArgs{TenantID: tid, TicketID: ticketID, RuleID: r.ID, Anchor: due.UTC()},
				InsertOpts: &river.InsertOpts{ScheduledAt: due.Add(-time.Duration(r.Minutes) * time.Minute), Metadata: conversation.TenantMetadata(tid)}})
		}
	}
	if len(params) == 0 {
		return nil
	}
	_, err := e.jobs.InsertManyTx(ctx, tx, params)
	return err
}

// FireTimer runs a time-based rule if the ticket is still where the timer left it.
func (e *Engine) FireTimer(ctx context.Context, a RuleTimerArgs) error {
	return e.st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		if err := q.TicketLock(ctx, dbsqlc.TicketLockParams{TenantID: a.TenantID, ID: a.TicketID}); err != nil {
			return err
		}
		row, err := q.RuleGet(ctx, dbsqlc.RuleGetParams{TenantID: a.TenantID, ID: a.RuleID})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		r, err := fromRow(row)
		if err != nil || !r.Enabled {
			return err
		}
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: a.TenantID, ID: a.TicketID})
		if err != nil {
			return err
		}
		if t.Status != "open" && t.Status != "pending" {
			return nil
		}
		switch r.Trigger {
		case rule.TriggerSinceCustomer, rule.TriggerHoursOpen:
			// Still waiting on us since that message: no newer customer message, no reply since.
			if t.LastCustomerAt == nil || !t.LastCustomerAt.Equal(a.Anchor) {
				return nil
			}
			replied, err := q.HumanReplySince(ctx, dbsqlc.HumanReplySinceParams{TenantID: a.TenantID, TicketID: a.TicketID, Since: a.Anchor})
			if err != nil || replied {
				return err
			}
		case rule.TriggerBeforeDue:
			if t.SlaDueAt == nil || !t.SlaDueAt.Equal(a.Anchor) {
				return nil
			}
		default:
			return nil
		}
		facts, _, err := e.loadFacts(ctx, q, a.TenantID, a.TicketID, 0, r.Conditions.Uses("business_hours"))
		if err != nil {
			return err
		}
		fired := rule.Evaluate([]rule.Rule{r}, r.Trigger, facts, true)
		if len(fired) == 0 {
			return nil
		}
		before := t
		if err := e.fire(ctx, q, tx, a.TenantID, a.TicketID, fired[0], r.Trigger, facts); err != nil {
			return err
		}
		if err := e.SLA.Recompute(ctx, q, tx, a.TenantID, a.TicketID, facts); err != nil {
			return err
		}
		after, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: a.TenantID, ID: a.TicketID})
		if err != nil {
			return err
		}
		return e.route(ctx, q, tx, a.TenantID, before, after)
	})
}
