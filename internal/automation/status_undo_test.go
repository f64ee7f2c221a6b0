package automation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Undoing a status change puts the SLA state back exactly — targets, due times, warned, breached
// and met times, the finished records, the ticket's due time and state (and so its list order)
// — and the undone change leaves the clocks' status trail, so a later recomputation agrees. An
// undo is refused once used, for someone else's change, after its time and after the ticket
// moved on; an undone snooze comes back snoozed until the same time.
func TestStatusUndoRestoresSLAState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	app.Connect("amazon")
	sc := app.Workspace(t, "undo", "admin@undo.test")
	agent := app.Member(t, sc, "agent@undo.test", tenant.RoleAgent)
	owner, err := pgxpool.New(ctx, app.DB.OwnerURL)
	require.NoError(t, err)
	t.Cleanup(owner.Close)
	// dump is the ticket's whole SLA state as stored; exact adds the rows' own update times.
	dump := func(number int64, exact bool) string {
		drop := "'updated_at'"
		if exact {
			drop = "'-'"
		}
		var out string
		require.NoError(t, owner.QueryRow(ctx, `SELECT jsonb_build_object(
			't', (SELECT to_jsonb(x) FROM (SELECT status, snoozed_until, resolved_at, sla_due_at, sla_state, sla_policy_id, sort_due
				FROM tickets WHERE tenant_id = $1 AND number = $2) x),
			's', (SELECT jsonb_agg(to_jsonb(s) - `+drop+` ORDER BY s.metric) FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
				WHERE t.tenant_id = $1 AND t.number = $2),
			'r', (SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id) FROM sla_records r JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id
				WHERE t.tenant_id = $1 AND t.number = $2))::text`, sc.TenantID(), number).Scan(&out))
		return out
	}
	started := func(number int64, metric string) time.Time {
		var at time.Time
		require.NoError(t, owner.QueryRow(ctx, `SELECT s.started_at FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 AND s.metric = $3`, sc.TenantID(), number, metric).Scan(&at))
		return at
	}
	target := func(number int64, metric string) (state string, breached bool) {
		require.NoError(t, owner.QueryRow(ctx, `SELECT s.state, s.breached_at IS NOT NULL FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 AND s.metric = $3`, sc.TenantID(), number, metric).Scan(&state, &breached))
		return state, breached
	}
	refusal := func(err error) string {
		t.Helper()
		ve, ok := errors.AsType[validate.Errors](err)
		require.True(t, ok, "a refusal with a reason: %v", err)
		return ve["status"]
	}

	// An Amazon ticket with some history: first response met (a record), the customer wrote
	// again and nobody answered: next response breached.
	start := clock.Now().Truncate(time.Second).UTC()
	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Name: "Ana", Email: "ana@buyer.test"}, Message: conversation.Inbound{Text: "It has not arrived.", At: start}})
	require.NoError(t, err)
	seen := tk.LastMessageAt
	_, err = app.Conversations.Reply(ctx, sc, tk.Number, conversation.ReplyInput{Body: "It ships today.", SeenLastMessageAt: &seen})
	require.NoError(t, err)
	require.Eventually(t, func() bool { st, _ := target(tk.Number, sla.FirstResponse); return st == "met" }, 20*time.Second, 50*time.Millisecond)
	clock.Advance(time.Minute)
	_, err = app.Conversations.AppendInbound(ctx, sc, tk.Number, conversation.Inbound{Text: "And the invoice?", At: clock.Now()})
	require.NoError(t, err)
	clock.Advance(12*time.Hour + time.Minute)
	require.Eventually(t, func() bool { _, b := target(tk.Number, sla.NextResponse); return b }, 20*time.Second, 100*time.Millisecond)
	before, beforeLoose := dump(tk.Number, true), dump(tk.Number, false)
	nextStarted := started(tk.Number, sla.NextResponse)
	require.Contains(t, before, `"outcome": "met"`)
	require.Contains(t, before, `"sla_state": "breached"`)

	// Resolved: the response clock stops (a record added), the resolution is met.
	res, err := app.Conversations.ChangeStatus(ctx, sc, tk.Number, "resolved", nil)
	require.NoError(t, err)
	require.True(t, res.Changed)
	require.Equal(t, "open", res.From)
	require.NotEqual(t, before, dump(tk.Number, true))
	st, _ := target(tk.Number, sla.NextResponse)
	require.Equal(t, "met", st)

	// Undone: everything as it was, to the row.
	require.NoError(t, app.Conversations.UndoStatus(ctx, sc, tk.Number, res.UndoID))
	require.Equal(t, before, dump(tk.Number, true))
	// A later change recomputes the targets from the trail, which no longer has the resolution:
	// the same targets (the next response still breached, still due when it was).
	require.NoError(t, app.Conversations.SetTags(ctx, sc, tk.Number, []string{"invoice"}))
	require.Equal(t, beforeLoose, dump(tk.Number, false))
	require.Equal(t, "ticket.undo_gone", refusal(app.Conversations.UndoStatus(ctx, sc, tk.Number, res.UndoID)), "an undo works once")

	// Someone else's change is not mine to undo; an undo has its time; a ticket that moved on
	// has no "before" to go back to. (Pending after the undone resolution is no reopening: the
	// waiting message's clock goes on from where it started.)
	res, err = app.Conversations.ChangeStatus(ctx, sc, tk.Number, "pending", nil)
	require.NoError(t, err)
	require.True(t, nextStarted.Equal(started(tk.Number, sla.NextResponse)), "the undone resolution reopened nothing")
	var trail []string
	require.NoError(t, app.DB.Store.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.SLAStatusHistory(ctx, dbsqlc.SLAStatusHistoryParams{TenantID: sc.TenantID(), TicketID: tk.ID})
		for _, r := range rows {
			trail = append(trail, r.Status)
		}
		return err
	}))
	require.Equal(t, []string{"pending"}, trail, "the clocks never see the undone resolution")
	require.Equal(t, "ticket.undo_gone", refusal(app.Conversations.UndoStatus(ctx, agent, tk.Number, res.UndoID)))
	clock.Advance(conversation.UndoWindow + 21*time.Second)
	require.Equal(t, "ticket.undo_expired", refusal(app.Conversations.UndoStatus(ctx, sc, tk.Number, res.UndoID)))
	res, err = app.Conversations.ChangeStatus(ctx, sc, tk.Number, "open", nil)
	require.NoError(t, err)
	require.NoError(t, app.Conversations.SetPriority(ctx, agent, tk.Number, 3))
	require.Equal(t, "ticket.undo_moved_on", refusal(app.Conversations.UndoStatus(ctx, sc, tk.Number, res.UndoID)))

	// Snoozed, then opened, then undone: snoozed until the same time again.
	until := clock.Now().Add(2 * time.Hour).Truncate(time.Minute)
	_, err = app.Conversations.ChangeStatus(ctx, sc, tk.Number, "snoozed", &until)
	require.NoError(t, err)
	snoozed := dump(tk.Number, true)
	res, err = app.Conversations.ChangeStatus(ctx, sc, tk.Number, "open", nil)
	require.NoError(t, err)
	require.NoError(t, app.Conversations.UndoStatus(ctx, sc, tk.Number, res.UndoID))
	require.Equal(t, snoozed, dump(tk.Number, true))
	got, err := app.Conversations.Ticket(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "snoozed", got.Status)
	require.True(t, until.Equal(*got.SnoozedUntil))
}
