package automation_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/sla"
)

// TestBreachTimers drives the SLA jobs with a controllable clock shared by the services and
// River: the warning and the breach fire at their minute, an agent's reply and the customer's
// next message reschedule them, an outdated job does nothing and nothing fires twice.
func TestBreachTimers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	app.Connect("amazon")
	sc := app.Workspace(t, "timers", "admin@timers.test")
	owner, err := pgxpool.New(ctx, app.DB.OwnerURL)
	require.NoError(t, err)
	t.Cleanup(owner.Close)

	type target struct {
		State            string
		Due, Warn        *time.Time
		Warned, Breached bool
	}
	get := func(number int64, metric string) target {
		var tg target
		err := owner.QueryRow(ctx, `SELECT s.state, s.due_at, s.warn_at, s.warned_at IS NOT NULL, s.breached_at IS NOT NULL
			FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 AND s.metric = $3`, sc.TenantID(), number, metric).
			Scan(&tg.State, &tg.Due, &tg.Warn, &tg.Warned, &tg.Breached)
		require.NoError(t, err)
		return tg
	}
	events := func(number int64, kind string) int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM ticket_events e JOIN tickets t ON t.tenant_id = e.tenant_id AND t.id = e.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 AND e.kind = $3`, sc.TenantID(), number, kind).Scan(&n))
		return n
	}
	scheduled := func(metric, event string, at time.Time) int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sla.timer'
			AND args->>'metric' = $1 AND args->>'event' = $2 AND scheduled_at = $3`, metric, event, at).Scan(&n))
		return n
	}
	ticket := func(number int64) conversation.Ticket {
		tk, err := app.Conversations.Ticket(ctx, sc, number)
		require.NoError(t, err)
		return tk
	}

	// An Amazon buyer writes: the Amazon preset (12 h, calendar clock, warning at 80 %) applies.
	start := clock.Now().Truncate(time.Second).UTC()
	var tk conversation.Ticket
	tk, err = app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Name: "Ana", Email: "ana@buyer.test"}, Message: conversation.Inbound{Text: "It has not arrived.", At: start}})
	require.NoError(t, err)
	fr := get(tk.Number, sla.FirstResponse)
	require.Equal(t, "running", fr.State)
	require.Equal(t, start.Add(12*time.Hour), fr.Due.UTC())
	require.Equal(t, start.Add(12*time.Hour*8/10), fr.Warn.UTC())
	require.Equal(t, 1, scheduled(sla.FirstResponse, "breach", *fr.Due))
	require.Equal(t, 1, scheduled(sla.FirstResponse, "warning", *fr.Warn))
	require.Equal(t, "ok", ticket(tk.Number).SlaState)
	require.Equal(t, fr.Due.UTC(), ticket(tk.Number).SlaDueAt.UTC())

	// A minute before the due time: the warning has fired, the breach has not.
	clock.AdvanceTo(fr.Due.Add(-time.Minute))
	require.Eventually(t, func() bool { return get(tk.Number, sla.FirstResponse).Warned }, 20*time.Second, 100*time.Millisecond)
	require.Equal(t, "warning", ticket(tk.Number).SlaState)
	require.Equal(t, 1, events(tk.Number, "sla_warning"))
	require.False(t, get(tk.Number, sla.FirstResponse).Breached)

	// The agent answers in time; the customer writes again at once: first response met, next
	// response runs from the new message, and the first breach job finds nothing to do.
	admin := sc
	seen := ticket(tk.Number).LastMessageAt
	_, err = app.Conversations.Reply(ctx, admin, tk.Number, conversation.ReplyInput{Body: "It ships today.", SeenLastMessageAt: &seen})
	require.NoError(t, err)
	// Met once the channel accepted it (the send job), at that moment.
	require.Eventually(t, func() bool { return get(tk.Number, sla.FirstResponse).State == "met" }, 20*time.Second, 50*time.Millisecond)
	again := clock.Now()
	_, err = app.Conversations.AppendInbound(ctx, sc, tk.Number, conversation.Inbound{Text: "Thanks, and the invoice?", At: again})
	require.NoError(t, err)
	nr := get(tk.Number, sla.NextResponse)
	require.Equal(t, "running", nr.State)
	require.WithinDuration(t, again.Add(12*time.Hour), *nr.Due, time.Second)
	require.Equal(t, 1, scheduled(sla.NextResponse, "breach", *nr.Due))

	clock.AdvanceTo(fr.Due.Add(time.Minute))
	require.Eventually(t, func() bool {
		var left int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sla.timer' AND args->>'metric' = 'first_response'
			AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left))
		return left == 0
	}, 20*time.Second, 100*time.Millisecond)
	require.Equal(t, 0, events(tk.Number, "sla_breached"), "the answered target never breaches")

	// Nobody answers the second message: the breach fires at its minute and escalates (priority up).
	clock.AdvanceTo(nr.Due.Add(time.Second))
	require.Eventually(t, func() bool { return get(tk.Number, sla.NextResponse).Breached }, 20*time.Second, 100*time.Millisecond)
	after := ticket(tk.Number)
	require.Equal(t, "breached", after.SlaState)
	require.Equal(t, int16(1), after.Priority, "the Amazon preset raises priority on breach")
	require.Equal(t, 1, events(tk.Number, "sla_breached"))

	// The same job again (a retry, a duplicate) changes nothing.
	require.NoError(t, app.Automation.SLA.Fire(ctx, app.DB.Store, sla.TimerArgs{TenantID: sc.TenantID(), TicketID: tk.ID, Metric: sla.NextResponse, Event: "breach", At: nr.Due.UTC()}))
	require.Equal(t, 1, events(tk.Number, "sla_breached"))
	require.Equal(t, int16(1), ticket(tk.Number).Priority)

	// A late answer meets the target, recorded as breached for the marketplace metrics.
	seen = ticket(tk.Number).LastMessageAt
	_, err = app.Conversations.Reply(ctx, admin, tk.Number, conversation.ReplyInput{Body: "Invoice attached.", SeenLastMessageAt: &seen})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return get(tk.Number, sla.NextResponse).State == "met" }, 20*time.Second, 50*time.Millisecond)
	var outcomes []string
	rows, err := owner.Query(ctx, `SELECT metric || ':' || outcome FROM sla_records WHERE tenant_id = $1 ORDER BY id`, sc.TenantID())
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		outcomes = append(outcomes, s)
	}
	require.Equal(t, []string{"first_response:met", "next_response:breached"}, outcomes)
	require.Equal(t, "met", ticket(tk.Number).SlaState)
}
