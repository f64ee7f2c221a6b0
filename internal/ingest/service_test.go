package ingest

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type pipeline struct {
	svc  *Service
	conv *conversation.Service
	sc   tenant.Scope
	st   *store.Store
}

func newPipeline(t testing.TB) *pipeline {
	t.Helper()
	db := pgtest.NewDB(t)
	tenants := tenant.New(db.Store, nil)
	tenants.OnCreate = automation.SeedDefaults
	ws, uid, err := tenants.SignUp(context.Background(), tenant.SignUpInput{
		Workspace: tenant.WorkspaceInput{Name: "Mail", Slug: "mail", TimeZone: "UTC", Language: "en"},
		Name:      "Admin", Email: "admin@mail.test", Password: "a long password",
	}, uuid.Nil, []string{"en", "ko", "ro"})
	require.NoError(t, err)
	sc, err := tenants.Resolve(context.Background(), ws.Slug, uid)
	require.NoError(t, err)
	// An insert-only River client, so Accept also inserts its processing job as in production.
	jobs, err := river.NewClient(riverpgxv5.New(db.App), &river.Config{})
	require.NoError(t, err)
	// As in production: every new ticket and message runs the rules and the SLA clocks (the
	// workspace's default presets and rules) in the writing transaction.
	conv := conversation.New(db.Store, jobs, nil)
	auto := automation.New(db.Store, nil)
	auto.UseJobs(jobs)
	conv.UseAutomation(auto)
	return &pipeline{svc: New(db.Store, jobs, conv), conv: conv, sc: sc, st: db.Store}
}

func (p *pipeline) feed(t *testing.T, raw string) (int64, Outcome) {
	t.Helper()
	id, dup, err := p.svc.Accept(context.Background(), p.sc.TenantID(), "test", []byte(raw))
	require.NoError(t, err)
	require.False(t, dup)
	out, err := p.svc.Process(context.Background(), p.sc.TenantID(), id)
	require.NoError(t, err)
	return id, out
}

const customerMail = "From: Ana Pop <ana@example.ro>\r\nTo: shop@example.com\r\nSubject: Unde este comanda?\r\n" +
	"Message-ID: <first@example.ro>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0200\r\n\r\nBună ziua, comanda nu a ajuns.\r\n"

func TestPipeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("CustomerMailBecomesATicketOnce", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		id, out := p.feed(t, customerMail)
		require.Equal(t, "processed", out.State)
		require.False(t, out.Class.Automatic)
		tk, err := p.conv.TicketByID(ctx, p.sc, out.TicketID)
		require.NoError(t, err)
		require.Equal(t, "Unde este comanda?", tk.Subject)
		// The same bytes again are stored once; processing the same row again changes nothing.
		_, dup, err := p.svc.Accept(ctx, p.sc.TenantID(), "test", []byte(customerMail))
		require.NoError(t, err)
		require.True(t, dup)
		again, err := p.svc.Process(ctx, p.sc.TenantID(), id)
		require.NoError(t, err)
		require.Equal(t, "processed", again.State)
		// The same message through another route (other trace headers, same text) is a duplicate.
		_, out2 := p.feed(t, "Received: from relay.example.net by mx.example.com\r\nDelivered-To: other@example.com\r\n"+customerMail)
		require.Equal(t, "duplicate", out2.State)
		// A sender reusing the Message-ID for a different message: that one is kept as its own.
		_, out3 := p.feed(t, strings.Replace(customerMail, "comanda nu a ajuns", "comanda a ajuns spartă", 1))
		require.Equal(t, "processed", out3.State)
		_, out4 := p.feed(t, "Received: by another.example\r\n"+strings.Replace(customerMail, "comanda nu a ajuns", "comanda a ajuns spartă", 1))
		require.Equal(t, "duplicate", out4.State)
	})

	t.Run("AnswerThreadsIntoTheTicket", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		_, first := p.feed(t, customerMail)
		_, second := p.feed(t, "From: Ana Pop <ana@example.ro>\r\nSubject: Re: Unde este comanda?\r\nMessage-ID: <second@example.ro>\r\n"+
			"In-Reply-To: <first@example.ro>\r\nReferences: <first@example.ro>\r\n\r\nAm uitat: comanda DS-10452.\r\n")
		require.Equal(t, "processed", second.State)
		require.Equal(t, first.TicketID, second.TicketID)
		tk, err := p.conv.TicketByID(ctx, p.sc, first.TicketID)
		require.NoError(t, err)
		require.Equal(t, int32(2), tk.MessageCount)
	})

	t.Run("MalformedMailIsQuarantinedAndKept", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		id, out := p.feed(t, "Subject: nobody sent this\r\n\r\nbody")
		require.Equal(t, "quarantined", out.State)
		require.Contains(t, out.Reason, "From")
		q, err := p.svc.Quarantined(ctx, p.sc, pgtype.Int8{}, 10)
		require.NoError(t, err)
		require.Len(t, q, 1)
		raw, err := p.svc.Raw(ctx, p.sc, id)
		require.NoError(t, err)
		require.Equal(t, "Subject: nobody sent this\r\n\r\nbody", string(raw))
		require.NoError(t, p.svc.Retry(ctx, p.sc, id))
		out, err = p.svc.Process(ctx, p.sc.TenantID(), id)
		require.NoError(t, err)
		require.Equal(t, "quarantined", out.State, "still unusable, still kept")
		// The mailbox keeps flowing: the next good message is processed.
		_, good := p.feed(t, customerMail)
		require.Equal(t, "processed", good.State)
	})

	t.Run("BounceIsStoredAsAutomatic", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		_, out := p.feed(t, "From: MAILER-DAEMON@mx.example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx>\r\n\r\nThe mail could not be delivered.\r\n")
		require.Equal(t, "processed", out.State)
		require.True(t, out.Class.Automatic)
		d, err := p.conv.Detail(ctx, p.sc, 1)
		require.NoError(t, err)
		require.True(t, d.Messages[0].Automated)
		require.Contains(t, d.Ticket.Tags, "automatic")
	})
}

func TestSameSenderAndSubjectIsOnlySuggested(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPipeline(t)
	_, first := p.feed(t, customerMail)
	// The customer writes a new mail instead of answering: no threading headers, same subject.
	_, second := p.feed(t, strings.NewReplacer("Message-ID: <first@example.ro>", "Message-ID: <second@example.ro>",
		"Subject: Unde este comanda?", "Subject: RE: Fwd: Unde este comanda?").Replace(customerMail))
	require.Equal(t, "processed", second.State)
	require.NotEqual(t, first.TicketID, second.TicketID, "never merged on sender and subject alone")
	tk, err := p.conv.TicketByID(ctx, p.sc, second.TicketID)
	require.NoError(t, err)
	d, err := p.conv.Detail(ctx, p.sc, tk.Number)
	require.NoError(t, err)
	require.Len(t, d.SameSubject, 1)
	require.Equal(t, first.TicketID, d.SameSubject[0].ID)

	// Another sender with the same subject is not suggested.
	_, third := p.feed(t, strings.NewReplacer("Message-ID: <first@example.ro>", "Message-ID: <third@example.ro>",
		"ana@example.ro", "ion@example.ro").Replace(customerMail))
	tk3, err := p.conv.TicketByID(ctx, p.sc, third.TicketID)
	require.NoError(t, err)
	d3, err := p.conv.Detail(ctx, p.sc, tk3.Number)
	require.NoError(t, err)
	require.Empty(t, d3.SameSubject)
}

func TestProcessBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mail := func(id, subject, extra string) []byte {
		return []byte("From: Ana Pop <ana@example.ro>\r\nTo: shop@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + ">\r\n" + extra +
			"Date: Sun, 22 Nov 2026 10:00:00 +0200\r\n\r\nText of " + id + "\r\n")
	}
	accept := func(t *testing.T, p *pipeline, raws ...[]byte) []int64 {
		t.Helper()
		var ids []int64
		for _, raw := range raws {
			id, dup, err := p.svc.Accept(ctx, p.sc.TenantID(), "test", raw)
			require.NoError(t, err)
			require.False(t, dup)
			ids = append(ids, id)
		}
		return ids
	}
	states := func(t *testing.T, p *pipeline, ids []int64) (out []string) {
		t.Helper()
		for _, id := range ids {
			o, err := p.svc.Process(ctx, p.sc.TenantID(), id) // finished rows just report their outcome
			require.NoError(t, err)
			out = append(out, o.State)
		}
		return out
	}

	t.Run("IndependentMessagesTogether", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		ids := accept(t, p, mail("b1@x", "One", ""), mail("b2@x", "Two", ""), []byte("not a mail"), mail("b3@x", "Three", ""))
		require.NoError(t, p.svc.ProcessBatch(ctx, p.sc.TenantID(), ids))
		got := states(t, p, ids)
		require.Equal(t, []string{"processed", "processed", "quarantined", "processed"}, got)
		require.NoError(t, p.svc.ProcessBatch(ctx, p.sc.TenantID(), ids), "a retried batch changes nothing")
		n := 0
		for _, number := range []int64{1, 2, 3} {
			_, err := p.conv.Detail(ctx, p.sc, number)
			require.NoError(t, err, "ticket numbers 1 to 3 in order, no gaps")
			n++
		}
		require.Equal(t, 3, n)
	})
	t.Run("AnswerInTheSameBatchThreads", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		ids := accept(t, p, mail("q1@x", "Question", ""), mail("q2@x", "Re: Question", "In-Reply-To: <q1@x>\r\n"),
			mail("q1@x", "Question", "Received: by another.example\r\n"))
		require.NoError(t, p.svc.ProcessBatch(ctx, p.sc.TenantID(), ids))
		got := states(t, p, ids)
		require.Equal(t, []string{"processed", "processed", "duplicate"}, got)
		d, err := p.conv.Detail(ctx, p.sc, 1)
		require.NoError(t, err)
		require.Len(t, d.Messages, 2, "the answer joined the question's ticket")
	})
}
