package walmart_test

import (
	"net/mail"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
	"github.com/shopdesk/shopdesk/internal/channel/walmart"
)

const body = "Customer: Jo B.\nCustomer order number: 200011846072599\nItem: Tent\nTopic: Damaged\n\nCustomer message:\nThe pole broke.\nJo\n\n-- \nWalmart Marketplace"

// Walmart's senders are the account's to configure: a relay address outside the account's
// patterns is not Walmart's, one inside them is, and an account without patterns uses the
// defaults.
func TestSenderPatternsAreTheAccounts(t *testing.T) {
	t.Parallel()
	m := relaymail.Mail{From: mail.Address{Name: "Jo B. via Walmart Marketplace", Address: "0a1b2c3d4e5f60718293a4b5@relay.walmart-mail.com"}, Text: body}
	_, ok := walmart.Parse(m, nil)
	require.False(t, ok, "not a default sender")
	msg, ok := walmart.Parse(m, []string{"*@relay.walmart-mail.com"})
	require.True(t, ok)
	require.Equal(t, relaymail.BuyerMessage, msg.Kind)
	require.Equal(t, "The pole broke.\nJo", msg.BuyerText)
	require.Equal(t, "200011846072599", msg.OrderID)
	require.Equal(t, "walmart:0a1b2c3d4e5f60718293a4b5@relay.walmart-mail.com:order:200011846072599", msg.ThreadKey())

	m.From.Address = "0a1b2c3d4e5f60718293a4b5@relay.walmart.com"
	_, ok = walmart.Parse(m, nil)
	require.True(t, ok, "a default sender")
	_, ok = walmart.Parse(m, []string{"*@relay.walmart-mail.com"})
	require.False(t, ok, "an account's own patterns replace the defaults")
}

// A complaint is urgent whether the mail marks its priority or names its source.
func TestComplaintIsUrgent(t *testing.T) {
	t.Parallel()
	m := relaymail.Mail{From: mail.Address{Address: "marketplace-escalations@walmart.com"},
		Text:   "Case number: 04790999\nSource: Better Business Bureau\nCustomer order number: 200011655021899\nCustomer: Lu M.\n\nComplaint:\nNo refund.\n\n-- \nWalmart",
		Header: func(string) string { return "" }}
	msg, ok := walmart.Parse(m, nil)
	require.True(t, ok)
	require.Equal(t, relaymail.Complaint, msg.Kind)
	require.True(t, msg.Urgent)
	require.Equal(t, "walmart:case:04790999", msg.ThreadKey())
	require.Equal(t, "marketplace-escalations@walmart.com", msg.ReplyTo)
}
