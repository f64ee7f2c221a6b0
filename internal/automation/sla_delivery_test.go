package automation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// gate is a channel whose answer the test sets: accept (with our Message-ID) or fail.
type gate struct {
	mu   sync.Mutex
	fail error
}

func (g *gate) set(err error) { g.mu.Lock(); g.fail = err; g.mu.Unlock() }

func (g *gate) Send(_ context.Context, out conversation.Outgoing) (conversation.Sent, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return conversation.Sent{ChannelMessageID: fmt.Sprintf("sd.%d.%d.%s@shop.example", out.Ticket.Number, out.MessageID, out.TenantID.String()[:8])}, g.fail
}

func (g *gate) Ready(context.Context, *dbsqlc.Queries, conversation.Ticket) error { return nil }

// The SLA counts what reached the customer: first response is met when the channel accepted the
// reply, a failure takes the met back (and the "Send and resolve"), and a resolved ticket runs no
// clock until it is reopened.
func TestSLACountsAcceptedReplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	g := &gate{}
	app.Senders.Register("amazon", g)
	sc := app.Workspace(t, "accepted", "admin@accepted.test")
	owner, err := pgxpool.New(ctx, app.DB.OwnerURL)
	require.NoError(t, err)
	t.Cleanup(owner.Close)
	state := func(number int64, metric string) (st string, due *time.Time) {
		require.NoError(t, owner.QueryRow(ctx, `SELECT s.state, s.due_at FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 AND s.metric = $3`, sc.TenantID(), number, metric).Scan(&st, &due))
		return st, due
	}
	records := func() int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM sla_records WHERE tenant_id = $1 AND metric = 'first_response' AND outcome = 'met'`, sc.TenantID()).Scan(&n))
		return n
	}
	message := func(number, id int64) conversation.Message {
		d, err := app.Conversations.Detail(ctx, sc, number)
		require.NoError(t, err)
		for _, m := range d.Messages {
			if m.ID == id {
				return m
			}
		}
		return conversation.Message{}
	}

	start := clock.Now().Truncate(time.Second).UTC()
	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Name: "Ana", Email: "ana@buyer.test"}, Message: conversation.Inbound{Text: "It has not arrived.", At: start}})
	require.NoError(t, err)
	st, due := state(tk.Number, "first_response")
	require.Equal(t, "running", st)
	firstDue := *due

	// The channel refuses for now: the reply retries, and the target keeps running.
	g.set(errors.New("the mail server asked to try again later: 451 4.3.0"))
	m, err := app.Conversations.Reply(ctx, sc, tk.Number, conversation.ReplyInput{Body: "It ships today.", SeenLastMessageAt: &tk.LastMessageAt})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return message(tk.Number, m.ID).DeliveryError != "" }, 20*time.Second, 50*time.Millisecond)
	st, _ = state(tk.Number, "first_response")
	require.Equal(t, "running", st, "an agent's click is not an answer")
	got, err := app.Conversations.Ticket(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.Nil(t, got.FirstReplyAt)

	// Accepted at the next try: met, at that moment.
	g.set(nil)
	require.NoError(t, app.Conversations.Deliver(ctx, app.Senders, sc.TenantID(), m.ID))
	st, _ = state(tk.Number, "first_response")
	require.Equal(t, "met", st)
	require.Equal(t, 1, records())

	// A late bounce takes it back: the target runs again from the customer's message.
	matched, err := app.Conversations.MarkBounced(ctx, sc.TenantID(), message(tk.Number, m.ID).ChannelMessageID, "the customer's address does not exist (550 5.1.1)")
	require.NoError(t, err)
	require.True(t, matched)
	st, due = state(tk.Number, "first_response")
	require.Equal(t, "running", st)
	require.True(t, due.Equal(firstDue))
	require.Zero(t, records(), "the met record is taken back")

	// "Send and resolve" with a reply that fails: the ticket opens again and the clock continues.
	tk, err = app.Conversations.Ticket(ctx, sc, tk.Number)
	require.NoError(t, err)
	g.set(&conversation.PermanentError{Reason: "550 5.1.1 no such user"})
	m2, err := app.Conversations.Reply(ctx, sc, tk.Number, conversation.ReplyInput{Body: "Shipped, tracking attached.", Status: "resolved", SeenLastMessageAt: &tk.LastMessageAt})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return message(tk.Number, m2.ID).DeliveryState == "failed" }, 20*time.Second, 50*time.Millisecond)
	got, err = app.Conversations.Ticket(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "open", got.Status)
	st, due = state(tk.Number, "first_response")
	require.Equal(t, "running", st)
	require.True(t, due.Equal(firstDue), "the failed reply's resolution does not restart the clock")

	// Resolved without an answer: no running clock, no due time on the ticket.
	require.NoError(t, app.Conversations.SetStatus(ctx, sc, tk.Number, "resolved", nil))
	st, due = state(tk.Number, "first_response")
	require.Equal(t, "met", st)
	require.Nil(t, due)
	got, err = app.Conversations.Ticket(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.Nil(t, got.SlaDueAt, "nothing shows as overdue")

	// Reopened: the policy's target starts again from the reopening (12 h on Amazon).
	require.NoError(t, app.Conversations.SetStatus(ctx, sc, tk.Number, "open", nil))
	st, due = state(tk.Number, "first_response")
	require.Equal(t, "running", st)
	require.WithinDuration(t, time.Now().Add(12*time.Hour), *due, time.Minute)

	// "Send and resolve" whose reply is still on its way: the resolution closes the clock, and
	// when the channel accepts the reply the target counts as answered (met), not skipped.
	tk3, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Subject: "Wrong size",
		Customer: conversation.CustomerRef{Name: "Bo", Email: "bo@buyer.test"}, Message: conversation.Inbound{Text: "Can I swap it?"}})
	require.NoError(t, err)
	g.set(errors.New("the mail server asked to try again later: 451 4.3.0"))
	m3, err := app.Conversations.Reply(ctx, sc, tk3.Number, conversation.ReplyInput{Body: "Yes, a label is attached.", Status: "resolved", SeenLastMessageAt: &tk3.LastMessageAt})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return message(tk3.Number, m3.ID).DeliveryError != "" }, 20*time.Second, 50*time.Millisecond)
	g.set(nil)
	require.NoError(t, app.Conversations.Deliver(ctx, app.Senders, sc.TenantID(), m3.ID))
	var outcome string
	var metAt *time.Time
	require.NoError(t, owner.QueryRow(ctx, `SELECT r.outcome FROM sla_records r JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id
		WHERE t.tenant_id = $1 AND t.number = $2 AND r.metric = 'first_response'`, sc.TenantID(), tk3.Number).Scan(&outcome))
	require.Equal(t, "met", outcome)
	require.NoError(t, owner.QueryRow(ctx, `SELECT s.met_at FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
		WHERE t.tenant_id = $1 AND t.number = $2 AND s.metric = 'first_response'`, sc.TenantID(), tk3.Number).Scan(&metAt))
	require.NotNil(t, metAt, "the chip says met, not stopped")
}
