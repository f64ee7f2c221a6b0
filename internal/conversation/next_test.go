package conversation_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

// TestNextInView: the next ticket follows the resolved one in its view, filter and order,
// passing over tickets someone else is on and other channels' tickets; the end of the list leads
// back to its start; an empty view gives none.
func TestNextInView(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	type bundle struct {
		w       *world
		tickets map[string]conversation.Ticket
	}
	setup := func(t *testing.T) *bundle {
		t.Helper()
		w := newWorld(t)
		b := &bundle{w: w, tickets: map[string]conversation.Ticket{}}
		for i, s := range []struct{ name, channel string }{{"e1", "email"}, {"a1", "amazon"}, {"e2", "email"}, {"e3", "email"}, {"e4", "email"}} {
			due := w.now.Add(time.Duration(i+1) * time.Hour)
			tk, err := w.svc.CreateInbound(ctx, w.a, conversation.NewTicket{Channel: s.channel, Subject: s.name, SLADueAt: &due,
				Customer: conversation.CustomerRef{Email: s.name + "@example.com"}, Message: conversation.Inbound{Text: "Hello", At: w.now}})
			require.NoError(t, err)
			b.tickets[s.name] = tk
		}
		return b
	}
	resolve := func(t *testing.T, b *bundle, name string) conversation.Ticket {
		t.Helper()
		before, err := b.w.svc.Ticket(ctx, b.w.a, b.tickets[name].Number)
		require.NoError(t, err)
		require.NoError(t, b.w.svc.SetStatus(ctx, b.w.a, before.Number, "resolved", nil))
		return before
	}
	none := func(int64) bool { return false }
	emailOpen := conversation.Filter{View: conversation.ViewOpen, Channel: "email", Priority: -1}

	t.Run("FollowsTheFilterAndSkipsBusyTickets", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		from := resolve(t, b, "e1")
		busy := func(id int64) bool { return id == b.tickets["e2"].ID }
		n, err := b.w.svc.NextInView(ctx, b.w.a, emailOpen, from, busy)
		require.NoError(t, err)
		require.Equal(t, b.tickets["e3"].Number, n, "a1 is another channel, e2 has another agent on it")

		n, err = b.w.svc.NextInView(ctx, b.w.a, conversation.Filter{View: conversation.ViewOpen, Priority: -1}, from, none)
		require.NoError(t, err)
		require.Equal(t, b.tickets["a1"].Number, n, "without the filter the Amazon ticket is next")
	})

	t.Run("TheLastLeadsToTheFirstLeft", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		from := resolve(t, b, "e4")
		n, err := b.w.svc.NextInView(ctx, b.w.a, emailOpen, from, none)
		require.NoError(t, err)
		require.Equal(t, b.tickets["e1"].Number, n)
	})

	t.Run("StayingOnAnOpenTicketNeverPicksItself", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		from, err := b.w.svc.Ticket(ctx, b.w.a, b.tickets["e2"].Number)
		require.NoError(t, err)
		n, err := b.w.svc.NextInView(ctx, b.w.a, emailOpen, from, none)
		require.NoError(t, err)
		require.Equal(t, b.tickets["e3"].Number, n)
	})

	t.Run("NothingLeft", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var from conversation.Ticket
		for _, name := range []string{"e1", "e2", "e3", "e4"} {
			from = resolve(t, b, name)
		}
		n, err := b.w.svc.NextInView(ctx, b.w.a, emailOpen, from, none)
		require.NoError(t, err)
		require.Zero(t, n)
		busy := func(id int64) bool { return id == b.tickets["a1"].ID }
		n, err = b.w.svc.NextInView(ctx, b.w.a, conversation.Filter{View: conversation.ViewOpen, Priority: -1}, from, busy)
		require.NoError(t, err)
		require.Zero(t, n, "the only open ticket left has someone on it")
	})
}
