package email_test

import (
	"context"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// gatewayApp is a running app (with workers) and its inbound SMTP gateway, without a mailbox.
type gatewayApp struct {
	app    *apptest.App
	addr   string
	domain string
}

func startGateway(t *testing.T, maxBytes int64) *gatewayApp {
	t.Helper()
	const domain = "in.example.test"
	a := apptest.StartWith(t, map[string]string{"SHOPDESK_INBOUND_DOMAIN": domain}, nil)
	gw := (&email.Gateway{Accounts: a.Email, Ingest: a.Ingest, Tenants: a.Tenants, Domain: domain,
		MaxBytes: maxBytes, Logger: a.Logger}).Server("127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = gw.Serve(ln) }()
	t.Cleanup(func() { _ = gw.Close() })
	return &gatewayApp{app: a, addr: ln.Addr().String(), domain: domain}
}

// inbound is the end state of one stored raw message.
type inbound struct {
	State, Error, ChannelID, Subject, Body, Author, CustomerEmail string
	Automated                                                     bool
	Attachments                                                   []string
	Raw                                                           []byte
}

// drain waits until the workspace has want stored messages and none is pending, then returns every
// one's end state in the order they were accepted.
func (g *gatewayApp) drain(t *testing.T, sc tenant.Scope, want int) []inbound {
	t.Helper()
	ctx := context.Background()
	var out []inbound
	pending := func() (n int) {
		for _, r := range out {
			if r.State == "pending" {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		out = nil
		err := g.app.DB.Store.InTenantTx(ctx, sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT i.state, coalesce(i.error, ''), coalesce(m.channel_message_id, ''), coalesce(t.subject, ''),
					coalesce(m.body_text, ''), coalesce(c.name, ''), coalesce((SELECT min(e.email) FROM customer_emails e WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.id), ''),
					coalesce(m.automated, false),
					coalesce((SELECT array_agg(a.name ORDER BY a.id) FROM attachments a WHERE a.tenant_id = m.tenant_id AND a.message_id = m.id), '{}'),
					i.raw
				FROM inbound_messages i
				LEFT JOIN messages m ON m.tenant_id = i.tenant_id AND m.channel_message_id = i.message_id AND i.state = 'processed'
				LEFT JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
				LEFT JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.author_customer_id
				WHERE i.tenant_id = $1 ORDER BY i.id`, sc.TenantID())
			if err != nil {
				return err
			}
			for rows.Next() {
				var r inbound
				if err := rows.Scan(&r.State, &r.Error, &r.ChannelID, &r.Subject, &r.Body, &r.Author, &r.CustomerEmail, &r.Automated, &r.Attachments, &r.Raw); err != nil {
					return err
				}
				out = append(out, r)
			}
			return rows.Err()
		})
		require.NoError(t, err)
		if len(out) >= want && pending() == 0 {
			return out
		}
		if time.Now().After(deadline) {
			var stuck []string
			for _, r := range out {
				if r.State == "pending" {
					stuck = append(stuck, strings.SplitN(string(r.Raw), "\n", 4)[min(2, strings.Count(string(r.Raw), "\n"))])
				}
			}
			t.Fatalf("processing did not drain: %d of %d stored, %d pending: %q", len(out), want, pending(), stuck)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The gateway takes what real senders send: 8-bit and UTF-8 mail (it says so in EHLO), lines far
// over 1,000 characters, and the null reverse path of a delivery report.
func TestGatewayAcceptsWhatSendersSend(t *testing.T) {
	t.Parallel()
	g := startGateway(t, 256<<10)
	sc := g.app.Workspace(t, "decode", "admin@decode.test")
	rcpt := sc.Workspace.Slug + "@" + g.domain

	c, err := smtp.Dial(g.addr)
	require.NoError(t, err)
	require.NoError(t, c.Hello("client.example"))
	for _, ext := range []string{"8BITMIME", "SMTPUTF8"} {
		ok, _ := c.Extension(ext)
		require.True(t, ok, ext)
	}
	require.NoError(t, c.Quit())

	long := strings.Repeat("Lorem ipsum dolor sit amet ", 400) // 10,800 characters on one line
	send := func(from, body string) {
		t.Helper()
		require.NoError(t, smtp.SendMail(g.addr, nil, from, []string{rcpt}, []byte(body)))
	}
	send("josé@exemple.fr", "From: José <josé@exemple.fr>\r\nTo: "+rcpt+"\r\nSubject: Reçu abîmé\r\nMessage-ID: <utf8@exemple.fr>\r\n"+
		"Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n<p>"+long+"</p>\r\n")
	send("", "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: "+rcpt+"\r\nSubject: Delivery report\r\nMessage-ID: <dsn@mx.example.net>\r\n\r\nYour message could not be delivered.\r\n")
	send("buyer@example.net", "From: buyer\r\nTo: "+rcpt+"\r\nSubject: No address\r\nMessage-ID: <noaddr@example.net>\r\n\r\nI have no address.\r\n")

	got := g.drain(t, sc, 3)
	require.Len(t, got, 3)
	require.Equal(t, "processed", got[0].State, got[0].Error)
	require.Equal(t, "Reçu abîmé", got[0].Subject)
	require.Equal(t, "josé@exemple.fr", got[0].CustomerEmail)
	require.Contains(t, got[0].Body, strings.TrimSpace(long), "the long line arrives whole")
	require.Equal(t, "processed", got[1].State, got[1].Error)
	require.True(t, got[1].Automated, "MAIL FROM:<> is a delivery report")
	require.Equal(t, "processed", got[2].State, got[2].Error)
	require.Equal(t, "buyer", got[2].Author)
	require.Empty(t, got[2].CustomerEmail, "a customer without an address")
}
