package email_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/mailtest"
)

// Real Postfix refusing: a 550 at RCPT fails the reply at once, a 451 is retried within the
// window and then fails, and mail Postfix accepts but cannot deliver comes back as a delivery
// status notification that the mailbox sync brings in and that fails the reply after it was sent.
func TestPostfixRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, map[string]string{"SHOPDESK_SEND_RETRY_WINDOW": "4s"}, nil)
	ticket := func(addr, subject string) conversation.Ticket {
		tk, err := f.app.Conversations.CreateInbound(ctx, f.sc, conversation.NewTicket{Channel: "email", Subject: subject, EmailAccountID: f.account.ID,
			Customer: conversation.CustomerRef{Name: "Buyer", Email: addr}, Message: conversation.Inbound{Text: "Hello?", From: addr}})
		require.NoError(t, err)
		return tk
	}

	refused := ticket(mailtest.RefusedLocal+"@customers.test", "Refused")
	m, err := f.app.Conversations.Reply(ctx, f.sc, refused.Number, conversation.ReplyInput{Body: "Hi", Confirm: true})
	require.NoError(t, err)
	got := f.waitDelivery(t, refused.Number, m.ID)
	require.Equal(t, "failed", got.DeliveryState)
	require.Contains(t, got.DeliveryError, "550 5.1.1")

	deferred := ticket(mailtest.DeferredLocal+"@customers.test", "Deferred")
	m, err = f.app.Conversations.Reply(ctx, f.sc, deferred.Number, conversation.ReplyInput{Body: "Hi", Confirm: true})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		d, err := f.app.Conversations.Detail(ctx, f.sc, deferred.Number)
		require.NoError(t, err)
		return d.Deliveries[m.ID].Attempts >= 1 && d.Messages[1].DeliveryState == "queued"
	}, 30*time.Second, 100*time.Millisecond, "the 451 is retried")
	got = f.waitDelivery(t, deferred.Number, m.ID)
	require.Equal(t, "failed", got.DeliveryState)
	require.Contains(t, got.DeliveryError, "gave up after")
	require.Contains(t, got.DeliveryError, "451 4.3.0")

	late := ticket("nobody@"+mailtest.BouncingDomain, "Late bounce")
	m, err = f.app.Conversations.Reply(ctx, f.sc, late.Number, conversation.ReplyInput{Body: "Hi", Confirm: true})
	require.NoError(t, err)
	got = f.waitDelivery(t, late.Number, m.ID)
	require.Equal(t, "sent", got.DeliveryState, got.DeliveryError)
	require.Equal(t, email.MessageID(f.sc.TenantID(), late.Number, m.ID, f.box), got.ChannelMessageID)
	require.Eventually(t, func() bool {
		d, err := f.app.Conversations.Detail(ctx, f.sc, late.Number)
		require.NoError(t, err)
		return d.Messages[1].DeliveryState == "failed"
	}, 60*time.Second, 200*time.Millisecond, "Postfix's bounce comes back through the mailbox and fails the reply")
	d, err := f.app.Conversations.Detail(ctx, f.sc, late.Number)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(d.Messages[1].DeliveryError, "returned after sending: the customer's address does not exist"), d.Messages[1].DeliveryError)
	require.Len(t, d.Messages, 2, "the bounce is no message")
}
