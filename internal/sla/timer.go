package sla

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

func tenantMetadata(id uuid.UUID) []byte { return conversation.TenantMetadata(id) }

// Fire runs a warning or breach job. It does nothing when the target has moved on (met, paused,
// rescheduled to another instant) or has already fired, so a retried or outdated job is harmless;
// a job that arrives early (clock skew between hosts) waits for its instant.
func (e *Engine) Fire(ctx context.Context, st *store.Store, a TimerArgs) error {
	if wait := a.At.Sub(e.now()); wait > 0 {
		return river.JobSnooze(wait)
	}
	return st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		// The ticket first, as every ticket change locks it before its targets: the same order
		// everywhere, so a breach firing while an agent replies waits instead of deadlocking.
		if err := q.TicketLock(ctx, dbsqlc.TicketLockParams{TenantID: a.TenantID, ID: a.TicketID}); err != nil {
			return err
		}
		row, err := q.TicketSLAForUpdate(ctx, dbsqlc.TicketSLAForUpdateParams{TenantID: a.TenantID, TicketID: a.TicketID, Metric: a.Metric})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if row.State != "running" {
			return nil
		}
		now := e.now()
		var kind string
		switch a.Event {
		case "breach":
			if row.DueAt == nil || !row.DueAt.Equal(a.At) || row.BreachedAt != nil {
				return nil
			}
			if err := q.TicketSLAMarkBreached(ctx, dbsqlc.TicketSLAMarkBreachedParams{TenantID: a.TenantID, TicketID: a.TicketID, Metric: a.Metric, At: &now}); err != nil {
				return err
			}
			kind = "sla_breached"
		case "warning":
			if row.WarnAt == nil || !row.WarnAt.Equal(a.At) || row.WarnedAt != nil || row.BreachedAt != nil {
				return nil
			}
			if err := q.TicketSLAMarkWarned(ctx, dbsqlc.TicketSLAMarkWarnedParams{TenantID: a.TenantID, TicketID: a.TicketID, Metric: a.Metric, At: &now}); err != nil {
				return err
			}
			kind = "sla_warning"
		default:
			return nil
		}
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: a.TenantID, ID: a.TicketID})
		if err != nil {
			return err
		}
		state := "warning"
		if kind == "sla_breached" {
			state = "breached"
		}
		if t.SlaState != "breached" {
			if err := q.TicketSetSLA(ctx, dbsqlc.TicketSetSLAParams{TenantID: a.TenantID, ID: a.TicketID, SlaDueAt: t.SlaDueAt, SlaState: state, SlaPolicyID: t.SlaPolicyID}); err != nil {
				return err
			}
		}
		data := map[string]any{"metric": a.Metric, "due": row.DueAt.UTC().Format(time.RFC3339)}
		var pol *Policy
		if row.PolicyID.Valid {
			p, err := q.SLAPolicyGet(ctx, dbsqlc.SLAPolicyGetParams{TenantID: a.TenantID, ID: row.PolicyID.UUID})
			if err == nil {
				pp, err := ParsePolicy(p)
				if err == nil {
					pol = &pp
					data["policy"] = p.Name
				}
			}
		}
		if e.Record != nil {
			if err := e.Record(ctx, q, tx, a.TenantID, a.TicketID, kind, data); err != nil {
				return err
			}
		}
		if pol == nil || e.Escalate == nil {
			return nil
		}
		actions := pol.Escalation.Warning
		if kind == "sla_breached" {
			actions = pol.Escalation.Breach
		}
		if len(actions) == 0 {
			return nil
		}
		return e.Escalate.Escalate(ctx, q, tx, a.TenantID, a.TicketID, actions, "sla:"+pol.Name)
	})
}
