package conversation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

// TestAutomatedMailDoesNotReopen: an auto-reply or a marketplace notice on a resolved ticket is
// kept on it without reopening it; the customer's own message reopens it.
func TestAutomatedMailDoesNotReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	tk := open(t, w, w.a, "Where is my order?", "It has not arrived.", conversation.CustomerRef{Email: "ann@example.com"})
	require.NoError(t, w.svc.SetStatus(ctx, w.a, tk.Number, "resolved", nil))

	_, err := w.svc.AppendInbound(ctx, w.a, tk.Number, conversation.Inbound{Text: "I am out of the office until Monday.", From: "ann@example.com", Automated: true})
	require.NoError(t, err)
	d, err := w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "resolved", d.Ticket.Status)
	require.Len(t, d.Messages, 2, "the automated mail is kept")

	_, err = w.svc.AppendInbound(ctx, w.a, tk.Number, conversation.Inbound{Text: "Actually, it came today but broken.", From: "ann@example.com"})
	require.NoError(t, err)
	d, err = w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "open", d.Ticket.Status)
}
