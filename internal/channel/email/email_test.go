package email_test

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/mailtest"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixture is a running app with workers, a workspace and a real mailbox connected to it.
type fixture struct {
	app     *apptest.App
	mt      *mailtest.Server
	sc      tenant.Scope
	box     string
	account email.Account
}

func newFixture(t *testing.T, env map[string]string, form func(*email.Form)) *fixture {
	t.Helper()
	mt := mailtest.Start(t)
	if env == nil {
		env = map[string]string{}
	}
	if env["SHOPDESK_MAIL_POLL"] == "" {
		env["SHOPDESK_MAIL_POLL"] = "1s"
	}
	a := apptest.StartWith(t, env, func(a *apptest.App) {
		a.Email.RootCAs = mt.RootCAs
		a.Sender.Grace = 3 * time.Second
	})
	f := &fixture{app: a, mt: mt, box: mt.Mailbox(t)}
	slug := "m" + strings.Split(f.box, "@")[0]
	f.sc = a.Workspace(t, slug, "admin@"+slug+".test")
	fm := email.Form{Name: "Main store", Address: f.box, FromName: "Main Store Support", Signature: "Main Store — we ship daily",
		IMAPHost: "127.0.0.1", IMAPPort: strconv.Itoa(mt.IMAPSPort), IMAPTLS: "tls", IMAPPassword: mailtest.Password,
		SMTPHost: "127.0.0.1", SMTPPort: strconv.Itoa(mt.SMTPPort), SMTPTLS: "none"}
	if form != nil {
		form(&fm)
	}
	var err error
	f.account, err = a.Email.Create(context.Background(), f.sc, fm)
	require.NoError(t, err)
	return f
}

func customerMail(from, to, id, subject, body string, extra ...string) []byte {
	h := fmt.Sprintf("From: Ann Buyer <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n", from, to, subject, id, time.Now().Format(time.RFC1123Z))
	for _, e := range extra {
		h += e + "\r\n"
	}
	return []byte(h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

// ticketOf waits for the ticket holding a channel message id.
func (f *fixture) ticketOf(t *testing.T, channelID string) conversation.Detail {
	t.Helper()
	var number int64
	require.Eventually(t, func() bool {
		err := f.app.DB.Store.InTenantTx(context.Background(), f.sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT t.number FROM messages m JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
				WHERE m.tenant_id = $1 AND m.channel_message_id = $2`, f.sc.TenantID(), channelID).Scan(&number)
		})
		return err == nil
	}, 30*time.Second, 100*time.Millisecond, "no ticket holds %s", channelID)
	d, err := f.app.Conversations.Detail(context.Background(), f.sc, number)
	require.NoError(t, err)
	return d
}

func (f *fixture) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	err := f.app.DB.Store.InTenantTx(context.Background(), f.sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), query, f.sc.TenantID()).Scan(&n)
	})
	require.NoError(t, err)
	return n
}

// waitDelivery waits for a reply to leave the sending states and returns it.
func (f *fixture) waitDelivery(t *testing.T, number, messageID int64) conversation.Message {
	t.Helper()
	var m conversation.Message
	require.Eventually(t, func() bool {
		d, err := f.app.Conversations.Detail(context.Background(), f.sc, number)
		require.NoError(t, err)
		for _, x := range d.Messages {
			if x.ID == messageID {
				m = x
			}
		}
		return m.DeliveryState == "sent" || m.DeliveryState == "failed"
	}, 30*time.Second, 100*time.Millisecond)
	return m
}

func TestMailboxRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, nil, nil)

	// A customer writes to the shop's mailbox (delivered by Postfix); the sync makes it a ticket.
	f.mt.Deliver(t, "ann@example.net", f.box, customerMail("ann@example.net", f.box, "c1@example.net", "Where is order 123?", "Hello, my parcel has not arrived."))
	d := f.ticketOf(t, "c1@example.net")
	require.Equal(t, "Where is order 123?", d.Ticket.Subject)
	require.Equal(t, "Main store", d.Ticket.Store)
	require.True(t, d.Ticket.EmailAccountID.Valid)

	// The agent's reply reaches the customer with the threading headers.
	m, err := f.app.Conversations.Reply(ctx, f.sc, d.Ticket.Number, conversation.ReplyInput{Body: "It ships today.", Confirm: true})
	require.NoError(t, err)
	sent := f.waitDelivery(t, d.Ticket.Number, m.ID)
	require.Equal(t, "sent", sent.DeliveryState, sent.DeliveryError)
	mid := email.MessageID(f.sc.TenantID(), d.Ticket.Number, m.ID, f.box)
	require.Equal(t, mid, sent.ChannelMessageID)
	got := f.mt.Find(t, mailtest.Sink, "Message-ID", mid, 20*time.Second)
	require.Len(t, got, 1, "the customer receives exactly one copy")
	msg, err := mail.ReadMessage(strings.NewReader(string(got[0])))
	require.NoError(t, err)
	require.Equal(t, "<c1@example.net>", msg.Header.Get("In-Reply-To"))
	require.Contains(t, msg.Header.Get("References"), "c1@example.net")
	require.Equal(t, "Re: Where is order 123?", msg.Header.Get("Subject"))
	require.Contains(t, msg.Header.Get("From"), f.box)
	require.Contains(t, msg.Header.Get("From"), "Admin of")
	require.Contains(t, msg.Header.Get("Reply-To"), "+r-")
	require.Equal(t, "ann@example.net", msg.Header.Get("X-Original-To"))
	require.Empty(t, msg.Header.Get("Bcc"))
	body := string(got[0])
	require.Contains(t, body, "It ships today.")
	require.Contains(t, body, "we ship daily")

	// The customer answers the reply: same ticket. Our own copy in the mailbox is not a message.
	f.mt.Deliver(t, "ann@example.net", f.box, customerMail("ann@example.net", f.box, "c2@example.net", "Re: Where is order 123?", "Thanks!",
		"In-Reply-To: <"+mid+">", "References: <c1@example.net> <"+mid+">"))
	d2 := f.ticketOf(t, "c2@example.net")
	require.Equal(t, d.Ticket.Number, d2.Ticket.Number)
	require.Eventually(t, func() bool {
		return f.count(t, `SELECT count(*) FROM inbound_messages WHERE tenant_id = $1 AND state = 'duplicate'`) == 1
	}, 20*time.Second, 100*time.Millisecond, "our copy is synced and recognised")
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM tickets WHERE tenant_id = $1`))
	require.Equal(t, 3, f.count(t, `SELECT count(*) FROM messages WHERE tenant_id = $1`))

	// A reply token alone (a client that drops In-Reply-To) also threads.
	replyTo, err := mail.ParseAddress(msg.Header.Get("Reply-To"))
	require.NoError(t, err)
	f.mt.Deliver(t, "ann@example.net", replyTo.Address, customerMail("ann@example.net", replyTo.Address, "c3@example.net", "A new question", "One more thing"))
	d3 := f.ticketOf(t, "c3@example.net")
	require.Equal(t, d.Ticket.Number, d3.Ticket.Number)

	// A changed UIDVALIDITY makes every stored UID void: the mailbox is read again, nothing doubles.
	err = f.app.DB.Store.InTenantTx(ctx, f.sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE email_cursors SET uidvalidity = uidvalidity + 1 WHERE tenant_id = $1`, f.sc.TenantID())
		return err
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return f.count(t, `SELECT count(*) FROM email_cursors c WHERE tenant_id = $1 AND updated_at > now() - interval '1 second' AND last_uid >= 4`) == 1
	}, 20*time.Second, 100*time.Millisecond)
	require.Equal(t, 1, f.count(t, `SELECT count(*) FROM tickets WHERE tenant_id = $1`))
	require.Equal(t, 4, f.count(t, `SELECT count(*) FROM messages WHERE tenant_id = $1`))

	h, err := f.app.Email.Health(ctx, f.sc, f.account.ID)
	require.NoError(t, err)
	require.EqualValues(t, 4, h.LastHour, "three customer mails and our copy")
	acct, err := f.app.Email.Get(ctx, f.sc.TenantID(), f.account.ID)
	require.NoError(t, err)
	require.NotNil(t, acct.LastSyncAt)
	require.Empty(t, acct.LastError)
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, nil, func(fm *email.Form) { fm.SMTPPassword = "wrong password" })
	f.mt.Append(t, f.box, customerMail("bob@example.net", f.box, "b1@example.net", "Refund", "Please refund."))
	tk := f.ticketOf(t, "b1@example.net")
	m, err := f.app.Conversations.Reply(ctx, f.sc, tk.Ticket.Number, conversation.ReplyInput{Body: "Refunded.", Confirm: true})
	require.NoError(t, err)
	failed := f.waitDelivery(t, tk.Ticket.Number, m.ID)
	require.Equal(t, "failed", failed.DeliveryState)
	require.Contains(t, failed.DeliveryError, "535", "the server's answer is shown")
	require.Contains(t, failed.DeliveryError, "Settings → Mail")

	// A paused account sends nothing, and the reply says what to do in plain words.
	require.NoError(t, f.app.Email.SetPaused(ctx, f.sc, f.account.ID, true))
	m2, err := f.app.Conversations.Reply(ctx, f.sc, tk.Ticket.Number, conversation.ReplyInput{Body: "Refunded, really.", Confirm: true})
	require.NoError(t, err)
	paused := f.waitDelivery(t, tk.Ticket.Number, m2.ID)
	require.Equal(t, "failed", paused.DeliveryState)
	require.Equal(t, "the email account "+f.box+" is paused: resume it in Settings → Mail, then resend", paused.DeliveryError)

	// A wrong IMAP password shows on the account, and the sync keeps trying on the next poll.
	bad, err := f.app.Email.Create(ctx, f.sc, email.Form{Name: "Other", Address: "nobody-" + f.box, IMAPHost: "127.0.0.1",
		IMAPPort: strconv.Itoa(f.mt.IMAPPort), IMAPTLS: "none", IMAPUsername: f.box, IMAPPassword: "nope"})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		a, err := f.app.Email.Get(ctx, f.sc.TenantID(), bad.ID)
		require.NoError(t, err)
		return strings.Contains(a.LastError, "IMAP login")
	}, 20*time.Second, 100*time.Millisecond)
}

func TestIdleWakesTheSync(t *testing.T) {
	t.Parallel()
	// No periodic sync in the test's time: only IDLE can bring the mail in.
	f := newFixture(t, map[string]string{"SHOPDESK_MAIL_POLL": "1h"}, func(fm *email.Form) { fm.IMAPIdle = true })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go (&email.Watcher{Accounts: f.app.Email, Jobs: f.app.Jobs, Every: time.Second, Logger: f.app.Logger}).Run(ctx)
	// Once IDLE runs, the watcher catches up with one sync; after it, only IDLE can bring mail in.
	owner := f.app.DB.Owner(t)
	require.Eventually(t, func() bool {
		var n int
		err := owner.QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = 'mail.sync' AND args->>'wake' LIKE 'idle-connect-%' AND state = 'completed'`).Scan(&n)
		require.NoError(t, err)
		return n > 0
	}, 30*time.Second, 100*time.Millisecond, "the watcher never started IDLE")

	f.mt.Append(t, f.box, customerMail("ida@example.net", f.box, "idle-1@example.net", "Is this in stock?", "Do you have the blue one?"))
	start := time.Now()
	d := f.ticketOf(t, "idle-1@example.net")
	require.Equal(t, "Is this in stock?", d.Ticket.Subject)
	t.Logf("IDLE to ticket in %s", time.Since(start))
}
