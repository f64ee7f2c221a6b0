package email_test

import (
	"context"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/mailtest"
)

func TestGateway(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const domain = "in.example.test"
	f := newFixture(t, map[string]string{"SHOPDESK_INBOUND_DOMAIN": domain}, nil)
	gw := (&email.Gateway{Accounts: f.app.Email, Ingest: f.app.Ingest, Tenants: f.app.Tenants, Domain: domain,
		MaxBytes: 64 << 10, Logger: f.app.Logger}).Server("127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = gw.Serve(ln) }()
	t.Cleanup(func() { _ = gw.Close() })
	addr := ln.Addr().String()
	slug := f.sc.Workspace.Slug
	forward := email.GatewayAddress(slug, f.account.ForwardToken, domain)
	require.Equal(t, slug+"+"+f.account.ForwardToken+"@"+domain, forward)

	// Unknown recipients are refused at RCPT time; too-large mail at DATA.
	for _, rcpt := range []string{"nosuchshop@" + domain, slug + "+wrongtoken@" + domain, slug + "+r-1-aaaaaaaa@" + domain, slug + "@other.example"} {
		err := smtp.SendMail(addr, nil, "ann@example.net", []string{rcpt}, []byte("Subject: x\r\n\r\nx\r\n"))
		require.ErrorContains(t, err, "550", rcpt)
	}
	big := customerMail("ann@example.net", forward, "big@example.net", "Big", strings.Repeat(strings.Repeat("x", 70)+"\r\n", 1000))
	require.ErrorContains(t, smtp.SendMail(addr, nil, "ann@example.net", []string{forward}, big), "552")

	// A message forwarded to the account's address becomes a ticket of that account.
	require.NoError(t, smtp.SendMail(addr, nil, "ann@example.net", []string{forward},
		customerMail("ann@example.net", "shop@example.com", "g1@example.net", "Damaged item", "The mug arrived broken.")))
	d := f.ticketOf(t, "g1@example.net")
	require.Equal(t, "Main store", d.Ticket.Store)

	// The reply's Reply-To points at the gateway with a token; the customer's answer to it, with
	// no threading headers at all, lands in the same ticket.
	m, err := f.app.Conversations.Reply(ctx, f.sc, d.Ticket.Number, conversation.ReplyInput{Body: "A new one is on its way.", Confirm: true})
	require.NoError(t, err)
	require.Equal(t, "sent", f.waitDelivery(t, d.Ticket.Number, m.ID).DeliveryState)
	mid := email.MessageID(f.sc.TenantID(), d.Ticket.Number, m.ID, f.box)
	got := f.mt.Find(t, mailtest.Sink, "Message-ID", mid, 20*time.Second)
	require.Len(t, got, 1)
	msg, err := mail.ReadMessage(strings.NewReader(string(got[0])))
	require.NoError(t, err)
	replyTo, err := mail.ParseAddress(msg.Header.Get("Reply-To"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(replyTo.Address, slug+"+r-"), replyTo.Address)
	require.True(t, strings.HasSuffix(replyTo.Address, "@"+domain), replyTo.Address)

	require.NoError(t, smtp.SendMail(addr, nil, "ann@example.net", []string{replyTo.Address},
		customerMail("ann@example.net", replyTo.Address, "g2@example.net", "Thanks", "Great, thank you.")))
	d2 := f.ticketOf(t, "g2@example.net")
	require.Equal(t, d.Ticket.Number, d2.Ticket.Number)

	// The workspace's own address works too and opens a ticket with no account.
	require.NoError(t, smtp.SendMail(addr, nil, "bob@example.net", []string{slug + "@" + domain},
		customerMail("bob@example.net", slug+"@"+domain, "g3@example.net", "Pre-sale question", "Does it fit a 30 cm shelf?")))
	d3 := f.ticketOf(t, "g3@example.net")
	require.NotEqual(t, d.Ticket.Number, d3.Ticket.Number)
	require.False(t, d3.Ticket.EmailAccountID.Valid)
}
