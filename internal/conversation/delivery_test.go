package conversation_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestNoChannelRefusesTheReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.email.notReady = true
	tk := open(t, w, w.a, "Where is it", "Hello?", conversation.CustomerRef{Email: "nc@example.com"})
	_, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "On its way", Status: "resolved", SeenLastMessageAt: &tk.LastMessageAt})
	require.ErrorIs(t, err, conversation.ErrNoChannel)
	got, err := w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Len(t, got.Messages, 1, "nothing is written, so nothing shows as queued or sent")
	require.Equal(t, "open", got.Ticket.Status, "Send and resolve resolves nothing either")

	// A marketplace ticket with no connector: refused the same way. Notes are always fine.
	eb, err := w.svc.CreateInbound(ctx, w.a, conversation.NewTicket{Channel: "ebay", Subject: "Item not received",
		Customer: conversation.CustomerRef{Email: "eb@example.com"}, Message: conversation.Inbound{Text: "Where?", At: w.now}})
	require.NoError(t, err)
	_, err = w.svc.Reply(ctx, w.a, eb.Number, conversation.ReplyInput{Body: "Shipped", SeenLastMessageAt: &eb.LastMessageAt})
	require.ErrorIs(t, err, conversation.ErrNoChannel)
	_, err = w.svc.Reply(ctx, w.a, eb.Number, conversation.ReplyInput{Body: "Answer in eBay", Note: true})
	require.NoError(t, err)
}

func TestFailingSendsAreVisible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup := func(t *testing.T) (*world, conversation.Ticket, conversation.Message) {
		w := newWorld(t)
		w.svc.UseRetryPolicy(conversation.RetryPolicy{Window: 5 * time.Minute, Backoff: func(int) time.Duration { return 2 * time.Minute }})
		tk := open(t, w, w.a, "Refund", "Please refund", conversation.CustomerRef{Email: "fs@example.com"})
		require.NoError(t, w.svc.Assign(ctx, w.a, tk.Number, w.a2.UserID))
		tk, err := w.svc.Ticket(ctx, w.a, tk.Number)
		require.NoError(t, err)
		m, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "Refunded.", Status: "resolved", SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)
		return w, tk, m
	}
	reply := func(t *testing.T, w *world, number, id int64) (conversation.Message, conversation.Detail) {
		t.Helper()
		d, err := w.svc.Detail(ctx, w.a, number)
		require.NoError(t, err)
		for _, m := range d.Messages {
			if m.ID == id {
				return m, d
			}
		}
		t.Fatalf("no message %d", id)
		return conversation.Message{}, d
	}

	t.Run("PermanentFailsAtOnceAndReopens", func(t *testing.T) {
		t.Parallel()
		w, tk, m := setup(t)
		w.email.fail = &conversation.PermanentError{Reason: "the mail server refused the reply: 550 5.1.1 no such user"}
		require.NoError(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID))
		// Both the author and the assignee are told, before either opens the ticket.
		mine, err := w.svc.Notifications(ctx, w.a)
		require.NoError(t, err)
		theirs, err := w.svc.Notifications(ctx, w.a2)
		require.NoError(t, err)
		require.Len(t, mine, 1)
		require.Len(t, theirs, 2, "the assignment, then the failure")
		require.Equal(t, "reply_failed", theirs[0].Kind)
		require.Equal(t, "assigned", theirs[1].Kind)
		got, d := reply(t, w, tk.Number, m.ID)
		require.Equal(t, "failed", got.DeliveryState)
		require.Equal(t, "the mail server refused the reply: 550 5.1.1 no such user", got.DeliveryError)
		require.Equal(t, "open", d.Ticket.Status, "Send and resolve is taken back when the reply fails")
		require.Nil(t, d.Ticket.FirstReplyAt)
	})

	t.Run("TransientRetriesThenFailsAfterTheWindow", func(t *testing.T) {
		t.Parallel()
		w, tk, m := setup(t)
		start := w.now
		w.email.fail = errors.New("the mail server asked to try again later: 451 4.3.0 try later")
		var retry *conversation.RetryError
		require.ErrorAs(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID), &retry)
		require.Equal(t, 1, retry.Attempt)
		require.Equal(t, 2*time.Minute, retry.After)
		got, d := reply(t, w, tk.Number, m.ID)
		require.Equal(t, "queued", got.DeliveryState, "still on its way, not failed, not sent")
		require.Equal(t, "the mail server asked to try again later: 451 4.3.0 try later", got.DeliveryError)
		require.EqualValues(t, 1, d.Deliveries[m.ID].Attempts)
		require.True(t, d.Deliveries[m.ID].NextAt.Equal(start.Add(2*time.Minute)))
		require.Equal(t, "resolved", d.Ticket.Status)

		w.now = start.Add(2 * time.Minute)
		require.ErrorAs(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID), &retry)
		w.now = start.Add(4 * time.Minute)
		require.ErrorAs(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID), &retry)
		require.Equal(t, 3, retry.Attempt)
		require.Equal(t, time.Minute, retry.After, "the last try is at the end of the window")
		w.now = start.Add(5 * time.Minute)
		require.NoError(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID))
		got, d = reply(t, w, tk.Number, m.ID)
		require.Equal(t, "failed", got.DeliveryState)
		require.Equal(t, "gave up after 4 attempts in 5 minutes: the mail server asked to try again later: 451 4.3.0 try later", got.DeliveryError)
		require.Equal(t, "open", d.Ticket.Status)
		require.Equal(t, 4, w.email.n)

		// Resend: a new series with a new window, and this time the server takes it.
		require.NoError(t, w.svc.Resend(ctx, w.a, m.ID))
		got, d = reply(t, w, tk.Number, m.ID)
		require.Equal(t, "queued", got.DeliveryState)
		require.Zero(t, d.Deliveries[m.ID].Attempts)
		w.email.fail = nil
		w.now = start.Add(20 * time.Minute)
		require.NoError(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID))
		got, d = reply(t, w, tk.Number, m.ID)
		require.Equal(t, "sent", got.DeliveryState)
		require.True(t, got.SentAt.Equal(w.now))
		require.True(t, d.Ticket.FirstReplyAt.Equal(w.now))
	})

	t.Run("EditAndResendReplacesTheFailedReply", func(t *testing.T) {
		t.Parallel()
		w, tk, _ := setup(t)
		tk, err := w.svc.Ticket(ctx, w.a, tk.Number)
		require.NoError(t, err)
		m, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "Label attached.", SeenLastMessageAt: &tk.LastMessageAt, Confirm: true,
			Uploads: []conversation.Upload{{Name: "label.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 label")}}})
		require.NoError(t, err)
		w.email.fail = &conversation.PermanentError{Reason: "550 rejected"}
		require.NoError(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID))
		tk, err = w.svc.Ticket(ctx, w.a, tk.Number)
		require.NoError(t, err)
		edited, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "Return label attached (corrected).", Supersedes: m.ID,
			SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)
		d, err := w.svc.Detail(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.Equal(t, edited.ID, d.Deliveries[m.ID].SupersededBy.Int64)
		require.Len(t, d.Attachments[edited.ID], 1, "the failed reply's files go with the edited one")
		require.Equal(t, "label.pdf", d.Attachments[edited.ID][0].Name)
		var audited bool
		for _, e := range d.Events {
			audited = audited || e.Kind == "reply_superseded"
		}
		require.True(t, audited)
		// The replaced reply is not resent, nor replaced twice.
		require.Equal(t, validate.Errors{"message": "reply.superseded"}, w.svc.Resend(ctx, w.a, m.ID))
		_, err = w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "again", Supersedes: m.ID, Confirm: true})
		require.Equal(t, validate.Errors{"body": "reply.superseded"}, err)
		// Another workspace cannot point at it.
		other := open(t, w, w.b, "Other", "Hi", conversation.CustomerRef{Email: "o@example.com"})
		_, err = w.svc.Reply(ctx, w.b, other.Number, conversation.ReplyInput{Body: "x", Supersedes: m.ID, Confirm: true})
		require.Equal(t, validate.Errors{"body": "reply.not_failed"}, err)
	})

	t.Run("ResendNeedsAConnectedChannel", func(t *testing.T) {
		t.Parallel()
		w, _, m := setup(t)
		w.email.fail = &conversation.PermanentError{Reason: "535 authentication failed"}
		require.NoError(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID))
		w.email.notReady = true
		require.ErrorIs(t, w.svc.Resend(ctx, w.a, m.ID), conversation.ErrNoChannel)
	})
}

func TestMarkBouncedMatchesOnlyOwnReplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	tk := open(t, w, w.a, "Parcel", "Where?", conversation.CustomerRef{Email: "mb@example.com"})
	m, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "Today.", SeenLastMessageAt: &tk.LastMessageAt})
	require.NoError(t, err)
	id := fmt.Sprintf("sd.%d.%d.%s@shop.example", tk.Number, m.ID, w.a.TenantID().String()[:8])
	w.email.id = id
	require.NoError(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID))

	for _, other := range []string{"nothing@example.com", fmt.Sprintf("sd.%d.%d.%s@shop.example", tk.Number, m.ID+1, w.a.TenantID().String()[:8])} {
		matched, err := w.svc.MarkBounced(ctx, w.a.TenantID(), other, "550")
		require.NoError(t, err)
		require.False(t, matched, other)
	}
	// Workspace B hears of A's reply id: not its reply, and A's reply is untouched.
	matched, err := w.svc.MarkBounced(ctx, w.b.TenantID(), id, "550")
	require.NoError(t, err)
	require.False(t, matched)
	d, err := w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "sent", d.Messages[1].DeliveryState)

	matched, err = w.svc.MarkBounced(ctx, w.a.TenantID(), "<"+id+">", "the customer's mailbox is full (552 5.2.2)")
	require.NoError(t, err)
	require.True(t, matched)
	d, err = w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "failed", d.Messages[1].DeliveryState)
	require.Equal(t, "returned after sending: the customer's mailbox is full (552 5.2.2)", d.Messages[1].DeliveryError)
	require.Nil(t, d.Ticket.FirstReplyAt, "a bounced reply reached nobody")
}
