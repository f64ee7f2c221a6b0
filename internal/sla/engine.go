package sla

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/businesshours"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Escalator runs a policy's escalation actions on a ticket (the rules engine's actions).
type Escalator interface {
	Escalate(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, actions []rule.Action, why string) error
}

// Recorder writes an event on the ticket's trail (with its live notice).
type Recorder func(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, kind string, data map[string]any) error

// Engine recomputes targets in the changing transaction and works the timer jobs.
type Engine struct {
	Jobs     *river.Client[pgx.Tx]
	Now      func() time.Time
	Escalate Escalator
	Record   Recorder

	cache settingsCache
}

func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// TimerArgs is a warning or breach at its exact minute. At is the instant it was scheduled for:
// when the target has moved since, the job finds a mismatch and does nothing.
type TimerArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	TicketID int64     `json:"ticket_id"`
	Metric   string    `json:"metric"`
	Event    string    `json:"event"` // warning | breach
	At       time.Time `json:"at"`
}

// Kind names the job.
func (TimerArgs) Kind() string { return "sla.timer" }

// InsertOpts: one job per target, event and instant, however often the ticket is recomputed.
func (TimerArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "sla", UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Recompute brings the ticket's targets up to date with its timeline, in the caller's
// transaction (the ticket is locked by the caller). facts choose the policy unless a rule pinned one.
func (e *Engine) Recompute(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, facts *rule.Facts) error {
	t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tenantID, ID: ticketID})
	if err != nil {
		return fmt.Errorf("sla: ticket %d: %w", ticketID, err)
	}
	_, err = e.RecomputeTicket(ctx, q, tx, t, facts)
	return err
}

// RecomputeTicket is Recompute for a ticket row the caller has just read (under its lock); it
// returns the ticket's new due time.
func (e *Engine) RecomputeTicket(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, t dbsqlc.TicketRow, facts *rule.Facts) (*time.Time, error) {
	tenantID, ticketID := t.TenantID, t.ID
	if t.MergedInto.Valid {
		return nil, e.clear(ctx, q, tenantID, ticketID)
	}
	policies, err := e.policies(ctx, q, tenantID)
	if err != nil {
		return nil, err
	}
	var pol *Policy
	for i := range policies {
		p := &policies[i]
		if t.SlaPolicyPinned && t.SlaPolicyID.Valid {
			if p.ID == t.SlaPolicyID.UUID {
				pol = p
				break
			}
			continue
		}
		if p.Enabled && p.Match.Match(facts, nil) {
			pol = p
			break
		}
	}
	existing, err := q.TicketSLAs(ctx, dbsqlc.TicketSLAsParams{TenantID: tenantID, TicketID: ticketID})
	if err != nil {
		return nil, err
	}
	rows := map[string]dbsqlc.TicketSla{}
	for _, r := range existing {
		rows[r.Metric] = r
	}
	var targets []Target
	var msgs []Msg
	if pol != nil {
		// A calendar clock (24/7, holidays included) needs no calendar and no zone.
		var cal *businesshours.Calendar
		loc := time.UTC
		if pol.usesBusiness() {
			if cal, loc, err = e.calendar(ctx, q, tenantID, pol, t.TeamID); err != nil {
				return nil, err
			}
		}
		msgs, err = timeline(ctx, q, tenantID, ticketID)
		if err != nil {
			return nil, err
		}
		in := Input{Created: t.CreatedAt, Messages: msgs, Status: t.Status, ResolvedAt: t.ResolvedAt}
		// The status trail gives the pauses, and the reopenings a response target starts over at.
		hist, err := q.SLAStatusHistory(ctx, dbsqlc.SLAStatusHistoryParams{TenantID: tenantID, TicketID: ticketID})
		if err != nil {
			return nil, err
		}
		for _, h := range hist {
			in.Statuses = append(in.Statuses, StatusChange{At: h.CreatedAt, To: h.Status, Undo: h.Why == "reply_failed"})
		}
		targets, err = pol.clock(cal, loc).Compute(in)
		if err != nil {
			return nil, err
		}
	}
	now := e.now()
	seen := map[string]bool{}
	var due *time.Time
	state := ""
	for _, tg := range targets {
		seen[tg.Metric] = true
		old, had := rows[tg.Metric]
		row := dbsqlc.TicketSla{TenantID: tenantID, TicketID: ticketID, Metric: tg.Metric, PolicyID: uuid.NullUUID{UUID: pol.ID, Valid: true},
			StartedAt: tg.Start, TargetMin: tg.Minutes, State: tg.State, DueAt: tg.Due, WarnAt: tg.Warn, MetAt: tg.MetAt}
		same := had && old.StartedAt.Equal(tg.Start)
		if had && (old.State == "running" || old.State == "breached") && (!same || tg.State == "met") {
			// The instance the old row tracked has ended: answered, skipped or replaced.
			finished, outcome := now, "met"
			if same && tg.MetAt != nil {
				finished = *tg.MetAt
			} else if at := AnsweredAt(msgs, old.StartedAt); at != nil {
				finished = *at
			}
			if same && tg.Skipped {
				outcome = "skipped"
			} else if old.DueAt != nil && finished.After(*old.DueAt) {
				outcome = "breached"
			}
			if err := q.SLARecordAdd(ctx, dbsqlc.SLARecordAddParams{TenantID: tenantID, TicketID: ticketID, Metric: tg.Metric,
				Channel: t.Channel, Marketplace: t.Marketplace, StartedAt: old.StartedAt, DueAt: old.DueAt, FinishedAt: finished, Outcome: outcome}); err != nil {
				return nil, err
			}
		}
		if same && old.State == "met" && old.MetAt == nil && tg.State == "met" && tg.MetAt != nil {
			// "Send and resolve" closed the target while the reply was still on its way; the
			// channel has accepted it since: answered (met or late), not skipped.
			if err := q.SLARecordSettleSkipped(ctx, dbsqlc.SLARecordSettleSkippedParams{TenantID: tenantID, TicketID: ticketID,
				Metric: tg.Metric, StartedAt: old.StartedAt, FinishedAt: *tg.MetAt}); err != nil {
				return nil, err
			}
		} else if same && old.State != "running" && old.State != "breached" && tg.State == "met" {
			continue // already finished and recorded
		}
		if same && old.State == "met" && tg.State != "met" {
			// The reply that met it failed after all (refused, or bounced later): the met is
			// taken back and the target runs again from where it started.
			if err := q.SLARecordTakeBack(ctx, dbsqlc.SLARecordTakeBackParams{TenantID: tenantID, TicketID: ticketID, Metric: tg.Metric, StartedAt: old.StartedAt}); err != nil {
				return nil, err
			}
		}
		if tg.State == "met" && same {
			row.BreachedAt = old.BreachedAt
		}
		if tg.State == "running" {
			if same && timeEq(old.DueAt, tg.Due) {
				row.BreachedAt = old.BreachedAt
				if row.BreachedAt != nil {
					row.State = "breached"
				}
			}
			if same && timeEq(old.WarnAt, tg.Warn) {
				row.WarnedAt = old.WarnedAt
			}
			if !same || !timeEq(old.DueAt, tg.Due) || !timeEq(old.WarnAt, tg.Warn) {
				if err := e.schedule(ctx, tx, tenantID, ticketID, tg); err != nil {
					return nil, err
				}
			}
			if due == nil || tg.Due.Before(*due) {
				due = tg.Due
			}
		}
		if err := q.TicketSLAUpsert(ctx, dbsqlc.TicketSLAUpsertParams(row2params(row))); err != nil {
			return nil, err
		}
		state = worse(state, rowState(row))
	}
	for metric := range rows {
		if !seen[metric] {
			if err := q.TicketSLADelete(ctx, dbsqlc.TicketSLADeleteParams{TenantID: tenantID, TicketID: ticketID, Metric: metric}); err != nil {
				return nil, err
			}
		}
	}
	var polID uuid.NullUUID
	if pol != nil {
		polID = uuid.NullUUID{UUID: pol.ID, Valid: true}
	}
	if timeEq(t.SlaDueAt, due) && t.SlaState == state && t.SlaPolicyID == polID {
		return due, nil
	}
	return due, q.TicketSetSLA(ctx, dbsqlc.TicketSetSLAParams{TenantID: tenantID, ID: ticketID, SlaDueAt: due, SlaState: state, SlaPolicyID: polID})
}

func row2params(r dbsqlc.TicketSla) dbsqlc.TicketSLAUpsertParams {
	return dbsqlc.TicketSLAUpsertParams{TenantID: r.TenantID, TicketID: r.TicketID, Metric: r.Metric, PolicyID: r.PolicyID,
		StartedAt: r.StartedAt, TargetMin: r.TargetMin, DueAt: r.DueAt, WarnAt: r.WarnAt, State: r.State,
		WarnedAt: r.WarnedAt, BreachedAt: r.BreachedAt, MetAt: r.MetAt}
}

// rowState is a target's contribution to the ticket's SLA state.
func rowState(r dbsqlc.TicketSla) string {
	switch {
	case r.State == "breached" || (r.State == "running" && r.BreachedAt != nil):
		return "breached"
	case r.State == "running" && r.WarnedAt != nil:
		return "warning"
	case r.State == "running":
		return "ok"
	}
	return r.State // paused, met
}

// worse keeps the state a manager must see first.
func worse(a, b string) string {
	rank := map[string]int{"": 0, "met": 1, "paused": 2, "ok": 3, "warning": 4, "breached": 5}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func timeEq(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func (e *Engine) clear(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, ticketID int64) error {
	for _, m := range Metrics {
		if err := q.TicketSLADelete(ctx, dbsqlc.TicketSLADeleteParams{TenantID: tenantID, TicketID: ticketID, Metric: m}); err != nil {
			return err
		}
	}
	return q.TicketSetSLA(ctx, dbsqlc.TicketSetSLAParams{TenantID: tenantID, ID: ticketID})
}

// schedule inserts the warning and breach jobs of a running target in the caller's transaction.
func (e *Engine) schedule(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, tg Target) error {
	if e.Jobs == nil {
		return nil
	}
	meta := tenantMetadata(tenantID)
	params := []river.InsertManyParams{
		{Args: TimerArgs{TenantID: tenantID, TicketID: ticketID, Metric: tg.Metric, Event: "breach", At: tg.Due.UTC()},
			InsertOpts: &river.InsertOpts{ScheduledAt: *tg.Due, Metadata: meta}},
	}
	if tg.Warn != nil && tg.Warn.Before(*tg.Due) {
		params = append(params, river.InsertManyParams{Args: TimerArgs{TenantID: tenantID, TicketID: ticketID, Metric: tg.Metric, Event: "warning", At: tg.Warn.UTC()},
			InsertOpts: &river.InsertOpts{ScheduledAt: *tg.Warn, Metadata: meta}})
	}
	_, err := e.Jobs.InsertManyTx(ctx, tx, params)
	if err != nil {
		return fmt.Errorf("sla: schedule %s: %w", tg.Metric, err)
	}
	return nil
}

func (e *Engine) policies(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID) ([]Policy, error) {
	now := time.Now()
	if ps, ok := e.cache.getPolicies(tenantID, now); ok {
		return ps, nil
	}
	rows, err := q.SLAPolicyList(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]Policy, 0, len(rows))
	for _, r := range rows {
		p, err := ParsePolicy(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	e.cache.putPolicies(tenantID, now, out)
	return out, nil
}

// DefaultCalendar is the workspace's default business hours.
func (e *Engine) DefaultCalendar(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID) (*businesshours.Calendar, error) {
	cal, _, err := e.calendar(ctx, q, tenantID, nil, uuid.NullUUID{})
	return cal, err
}

// calendar is the policy's calendar, else the ticket's team's, else the workspace's default, else
// Monday to Friday 09:00-17:00 in the workspace's zone.
func (e *Engine) calendar(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, p *Policy, teamID uuid.NullUUID) (*businesshours.Calendar, *time.Location, error) {
	// The common case (no policy or team calendar) is kept for a few seconds: every event of
	// every ticket on a business clock needs it.
	if (p == nil || !p.CalendarID.Valid) && !teamID.Valid {
		k := calendarKey{tenant: tenantID}
		now := time.Now()
		if c, ok := e.cache.getCalendar(k, now); ok {
			return c.cal, c.loc, nil
		}
		cal, loc, err := e.loadCalendar(ctx, q, tenantID, p, teamID)
		if err == nil {
			e.cache.putCalendar(k, cachedCalendar{at: now, cal: cal, loc: loc})
		}
		return cal, loc, err
	}
	return e.loadCalendar(ctx, q, tenantID, p, teamID)
}

func (e *Engine) loadCalendar(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, p *Policy, teamID uuid.NullUUID) (*businesshours.Calendar, *time.Location, error) {
	ws, err := q.TenantByID(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	loc, err := time.LoadLocation(ws.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	var row dbsqlc.Calendar
	calID := uuid.NullUUID{}
	if p != nil && p.CalendarID.Valid {
		calID = p.CalendarID
	} else if teamID.Valid {
		team, err := q.TeamGet(ctx, dbsqlc.TeamGetParams{TenantID: tenantID, ID: teamID.UUID})
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, nil, err
		}
		calID = team.CalendarID
	}
	if calID.Valid {
		row, err = q.CalendarGet(ctx, dbsqlc.CalendarGetParams{TenantID: tenantID, ID: calID.UUID})
	} else {
		row, err = q.CalendarDefault(ctx, tenantID)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		cal, err := CalendarData{Week: DefaultWeek()}.Build(loc.String())
		return cal, loc, err
	} else if err != nil {
		return nil, nil, err
	}
	d, err := DecodeCalendar(row)
	if err != nil {
		return nil, nil, err
	}
	cal, err := d.Build(row.TimeZone)
	return cal, loc, err
}

func timeline(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, ticketID int64) ([]Msg, error) {
	rows, err := q.SLATimeline(ctx, dbsqlc.SLATimelineParams{TenantID: tenantID, TicketID: ticketID})
	if err != nil {
		return nil, err
	}
	out := make([]Msg, 0, len(rows))
	for _, r := range rows {
		if r.Kind == "inbound" && r.Automated {
			continue // a bounce or an out-of-office asks for no answer
		}
		m := Msg{At: r.CreatedAt, Kind: r.Kind, Automated: r.Automated, Failed: r.Failed, Unsent: r.Unsent, NoResponse: r.NoResponse}
		if r.SentAt != nil {
			m.Accepted = *r.SentAt
		}
		out = append(out, m)
	}
	return out, nil
}
