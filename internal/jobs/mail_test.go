package jobs_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// mailBundle is a workspace with the mail pipeline and River working its jobs as serve does.
type mailBundle struct {
	db     *pgtest.DB
	ingest *ingest.Service
	client *jobs.Client
	sc     tenant.Scope
}

func newMailBundle(t *testing.T, opts jobs.Options) *mailBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	tenants := tenant.New(db.Store, nil)
	tenants.OnCreate = automation.SeedDefaults
	ws, uid, err := tenants.SignUp(ctx, tenant.SignUpInput{
		Workspace: tenant.WorkspaceInput{Name: "Burst", Slug: "burst", TimeZone: "UTC", Language: "en"},
		Name:      "Admin", Email: "admin@burst.test", Password: "a long password",
	}, uuid.Nil, []string{"en", "ko", "ro"})
	require.NoError(t, err)
	sc, err := tenants.Resolve(ctx, ws.Slug, uid)
	require.NoError(t, err)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	conv := conversation.New(db.Store, nil, nil)
	auto := automation.New(db.Store, nil)
	conv.UseAutomation(auto)
	in := ingest.New(db.Store, nil, conv)
	in.UseLogger(logger)
	opts.Work = true
	if opts.MaxWorkers == 0 {
		opts.MaxWorkers = 10
	}
	c, err := jobs.NewClient(db.App, logger, opts, jobs.Deps{Conversations: conv, Ingest: in, Automation: auto, Store: db.Store})
	require.NoError(t, err)
	conv.UseJobs(c)
	auto.UseJobs(c)
	in.UseJobs(c)
	runCtx, cancel := context.WithCancel(ctx)
	require.NoError(t, c.Start(runCtx))
	t.Cleanup(func() {
		cancel()
		stopCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = c.Stop(stopCtx)
	})
	return &mailBundle{db: db, ingest: in, client: c, sc: sc}
}

// drain waits until no stored message is pending and no mail job is left to run.
func (b *mailBundle) drain(t *testing.T) {
	t.Helper()
	owner := b.db.Owner(t)
	require.Eventually(t, func() bool {
		var pending, queued int
		require.NoError(t, owner.QueryRow(context.Background(), `SELECT
			(SELECT count(*) FROM inbound_messages WHERE state = 'pending'),
			(SELECT count(*) FROM river_job WHERE kind LIKE 'mail.process%' AND state IN ('available', 'running', 'retryable', 'scheduled'))`).
			Scan(&pending, &queued))
		return pending == 0 && queued == 0
	}, 3*time.Minute, 100*time.Millisecond)
}

// burstMail is one customer mail; words make each one's text (and search lexicon words) its own.
func burstMail(mid, from, subject, text string, attachments ...string) string {
	h := fmt.Sprintf("From: %s\r\nTo: shop@burst.test\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n", from, subject, mid)
	if len(attachments) == 0 {
		return h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
	}
	var b strings.Builder
	b.WriteString(h + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n")
	for i, a := range attachments {
		fmt.Fprintf(&b, "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"file%d.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", i, base64.StdEncoding.EncodeToString([]byte(a)))
	}
	b.WriteString("--b1--\r\n")
	return b.String()
}

func TestMailBurst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newMailBundle(t, jobs.Options{MailRetry: func(int) time.Duration { return 10 * time.Millisecond }})
	owner := b.db.Owner(t)
	var deadlocksBefore int64
	require.NoError(t, owner.QueryRow(ctx, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()").Scan(&deadlocksBefore))

	// Words new to the workspace in every mail, so concurrent writers keep adding lexicon words.
	rng := rand.New(rand.NewPCG(11, 150))
	vocab := make([]string, 400)
	for i := range vocab {
		w := make([]byte, 5+rng.IntN(5))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		vocab[i] = string(w)
	}
	words := func(n int) string {
		out := make([]string, n)
		for i := range out {
			out[i] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(out, " ")
	}
	var raws []string
	// 180 mails with Message-IDs of their own.
	for i := range 180 {
		raws = append(raws, burstMail(fmt.Sprintf("own-%d@burst.example", i), fmt.Sprintf("Buyer %d <buyer%d@burst.example>", i, i%40),
			"Order "+words(3), fmt.Sprintf("Order %d: %s", i, words(25))))
	}
	// 20 mails reusing Message-IDs: 4 groups of 2 and 4 of 3. Even groups differ in text; odd
	// groups have the same text and other attachments.
	type group struct {
		mid  string
		size int
	}
	var groups []group
	for g := range 8 {
		size := 2
		if g >= 4 {
			size = 3
		}
		mid := fmt.Sprintf("reused-%d@carrier.example", g)
		groups = append(groups, group{mid, size})
		text := "Your parcel is on its way. " + words(10)
		for k := range size {
			if g%2 == 0 {
				raws = append(raws, burstMail(mid, "Carrier <track@carrier.example>", "Tracking update", fmt.Sprintf("Parcel %d-%d: %s", g, k, words(12))))
			} else {
				raws = append(raws, burstMail(mid, "Carrier <track@carrier.example>", "Tracking update", text, fmt.Sprintf("label %d-%d", g, k)))
			}
		}
	}
	require.Len(t, raws, 200)
	// Identical copies through another route (other trace headers, same content): duplicates.
	copies := []string{
		"Received: by relay.example\r\n" + raws[3],
		"Received: by relay.example\r\n" + raws[180],
		"Received: by relay.example\r\n" + raws[len(raws)-1],
	}
	all := append(append([]string{}, raws...), copies...)
	rand.New(rand.NewPCG(5, 5)).Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

	var wg sync.WaitGroup
	work := make(chan string)
	for range 8 {
		wg.Go(func() {
			for raw := range work {
				_, dup, err := b.ingest.Accept(ctx, b.sc.TenantID(), "smtp", []byte(raw))
				require.NoError(t, err)
				require.False(t, dup)
			}
		})
	}
	for _, raw := range all {
		work <- raw
	}
	close(work)
	wg.Wait()
	b.drain(t)

	var processed, duplicate, quarantined, messages int
	require.NoError(t, owner.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE state = 'processed'), count(*) FILTER (WHERE state = 'duplicate'),
		count(*) FILTER (WHERE state = 'quarantined'), (SELECT count(*) FROM messages WHERE kind = 'inbound')
		FROM inbound_messages`).Scan(&processed, &duplicate, &quarantined, &messages))
	require.Equal(t, 200, processed, "every different mail is kept")
	require.Equal(t, 3, duplicate, "identical copies are duplicates")
	require.Zero(t, quarantined)
	require.Equal(t, 200, messages)
	for _, g := range groups {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(DISTINCT channel_message_id) FROM messages
			WHERE channel_message_id = $1 OR channel_message_id LIKE $1 || '#%'`, g.mid).Scan(&n))
		require.Equal(t, g.size, n, "group %s keeps each of its mails", g.mid)
	}

	// No deadlock anywhere: none recorded on a job, none counted by the server.
	var deadlockJobs int
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE errors::text LIKE '%40P01%'`).Scan(&deadlockJobs))
	require.Zero(t, deadlockJobs)
	var deadlocks int64
	require.NoError(t, owner.QueryRow(ctx, "SELECT pg_stat_clear_snapshot()::text IS NULL OR true").Scan(new(bool)))
	require.NoError(t, owner.QueryRow(ctx, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()").Scan(&deadlocks))
	require.Equal(t, deadlocksBefore, deadlocks)
}

// TestMailFailures injects real database failures with triggers on messages (as the superuser) and
// checks where each mail ends: quarantined at the first attempt with the reason, retried until it
// succeeds, or waiting, never quarantined, while the connection to the database is lost.
func TestMailFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A fast schedule and a stubbed clock keep the retries quick; only end states are asserted.
	// The clock stands still at the start: the quarantine notice is due a few seconds after it, so
	// the whole burst below joins one notice.
	var clock atomic.Int64
	b := newMailBundle(t, jobs.Options{MailRetry: func(int) time.Duration { return 5 * time.Millisecond }, MailUnavailableWait: 5 * time.Millisecond})
	b.ingest.UseClock(func() time.Time { return time.Unix(clock.Load(), 0) }, 3*time.Second)
	owner := b.db.Owner(t)
	_, err := owner.Exec(ctx, `
		CREATE SEQUENCE flaky_seq;
		CREATE SEQUENCE lost_seq;
		CREATE FUNCTION inject_failures() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
		BEGIN
			IF NEW.body_text LIKE '%BREAK-DATA%' THEN
				RAISE EXCEPTION 'invalid input syntax for type integer: "x"' USING ERRCODE = '22P02';
			END IF;
			IF NEW.body_text LIKE '%BREAK-TWICE%' AND nextval('flaky_seq') <= 2 THEN
				RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = '40001';
			END IF;
			IF NEW.body_text LIKE '%BREAK-CONNECTION%' AND nextval('lost_seq') <= 3 THEN
				PERFORM pg_terminate_backend(pg_backend_pid());
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER inject_failures BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION inject_failures();`)
	require.NoError(t, err)

	clock.Store(time.Now().Unix())
	accept := func(raw string) int64 {
		id, _, err := b.ingest.Accept(ctx, b.sc.TenantID(), "smtp", []byte(raw))
		require.NoError(t, err)
		return id
	}
	data1 := accept(burstMail("d1@x.example", "A <a@x.example>", "one", "BREAK-DATA first"))
	data2 := accept(burstMail("d2@x.example", "A <a@x.example>", "two", "BREAK-DATA second"))
	flaky := accept(burstMail("f@x.example", "B <b@x.example>", "three", "BREAK-TWICE then fine"))
	lost := accept(burstMail("l@x.example", "C <c@x.example>", "four", "BREAK-CONNECTION then fine"))
	b.drain(t)

	state := func(id int64) (st, reason string, attempts int) {
		require.NoError(t, owner.QueryRow(ctx, `SELECT i.state, i.error,
			(SELECT max(j.attempt) FROM river_job j WHERE j.kind = 'mail.process' AND (j.args->>'id')::bigint = i.id)
			FROM inbound_messages i WHERE i.id = $1`, id).Scan(&st, &reason, &attempts))
		return st, reason, attempts
	}
	for _, id := range []int64{data1, data2} {
		st, reason, attempts := state(id)
		require.Equal(t, "quarantined", st)
		require.Equal(t, 1, attempts, "a deterministic failure is quarantined at the first attempt")
		require.Contains(t, reason, "the database refused a value in this message")
		require.Contains(t, reason, "SQLSTATE 22P02")
	}
	st, reason, attempts := state(flaky)
	require.Equal(t, "processed", st, reason)
	require.Equal(t, 3, attempts, "a transient failure is retried until it succeeds")
	st, reason, attempts = state(lost)
	require.Equal(t, "processed", st, "a lost connection never quarantines: %s", reason)
	require.Equal(t, 1, attempts, "waiting for the database uses no attempt")
	var lostTries int64
	require.NoError(t, owner.QueryRow(ctx, "SELECT last_value FROM lost_seq").Scan(&lostTries))
	require.GreaterOrEqual(t, lostTries, int64(4))
	since, _ := b.ingest.DatabaseUnavailable()
	require.True(t, since.IsZero(), "processing again clears the unavailable state")

	// The admins are told once about the burst, with the count and the reason.
	var notices, unnotified int
	require.Eventually(t, func() bool {
		require.NoError(t, owner.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM river_job WHERE kind = 'mail.quarantine_notice'),
			(SELECT count(*) FROM inbound_messages WHERE state = 'quarantined' AND notified_at IS NULL)`).Scan(&notices, &unnotified))
		return unnotified == 0
	}, time.Minute, 50*time.Millisecond)
	require.Equal(t, 1, notices)

	// "Retry all with this reason": both come back in one go, one job each; asking again finds none.
	_, err = owner.Exec(ctx, "DROP TRIGGER inject_failures ON messages")
	require.NoError(t, err)
	reasons, err := b.ingest.Reasons(ctx, b.sc)
	require.NoError(t, err)
	require.Len(t, reasons, 1)
	require.Equal(t, int64(2), reasons[0].N)
	clock.Add(1)
	n, err := b.ingest.RetryReason(ctx, b.sc, reasons[0].Error)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	_, err = b.ingest.RetryReason(ctx, b.sc, reasons[0].Error)
	require.Error(t, err)
	b.drain(t)
	for _, id := range []int64{data1, data2} {
		st, _, _ := state(id)
		require.Equal(t, "processed", st)
	}
}

// TestMailRecovery makes rows the way the old rules left them and runs the one-time recovery
// through River: a second message reusing a Message-ID called "duplicate", a third one given up
// on, mail left pending without a job. They come back as messages; true copies stay duplicates.
func TestMailRecovery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newMailBundle(t, jobs.Options{MailRetry: func(int) time.Duration { return 5 * time.Millisecond }})
	owner := b.db.Owner(t)
	first, _, err := b.ingest.Accept(ctx, b.sc.TenantID(), "smtp", []byte(burstMail("old@carrier.example", "Carrier <t@carrier.example>", "Update", "Parcel left the depot")))
	require.NoError(t, err)
	b.drain(t)

	// An ingest service without jobs stores mail as the old pipeline left it: waiting, no job.
	old := ingest.New(b.db.Store, nil, nil)
	keep := func(raw, state, reason string) int64 {
		id, _, err := old.Accept(ctx, b.sc.TenantID(), "smtp", []byte(raw))
		require.NoError(t, err)
		if state != "pending" {
			_, err = owner.Exec(ctx, "UPDATE inbound_messages SET state = $2, error = $3, message_id = '<old@carrier.example>', processed_at = now() WHERE id = $1", id, state, reason)
			require.NoError(t, err)
		}
		return id
	}
	second := keep(burstMail("old@carrier.example", "Carrier <t@carrier.example>", "Update", "Parcel is out for delivery"), "duplicate",
		"a message with this Message-ID is already stored")
	third := keep(burstMail("old@carrier.example", "Carrier <t@carrier.example>", "Update", "Parcel was delivered"), "duplicate",
		"a message with this Message-ID and the same text is already stored")
	copied := keep("Received: by relay.example\r\n"+burstMail("old@carrier.example", "Carrier <t@carrier.example>", "Update", "Parcel left the depot"),
		"duplicate", "a message with this Message-ID and the same text is already stored")
	ownReply := keep(burstMail("reply@shop.example", "Shop <shop@burst.test>", "Re: Update", "Our answer"), "duplicate",
		"our own reply (the copy kept in the mailbox)")
	waiting := keep(burstMail("waiting@buyer.example", "Buyer <b@buyer.example>", "Where is it?", "No answer yet"), "pending", "")

	queued, err := b.ingest.QueueRecoveryOnce(ctx)
	require.NoError(t, err)
	require.True(t, queued)
	queued, err = b.ingest.QueueRecoveryOnce(ctx)
	require.NoError(t, err)
	require.False(t, queued, "once per database")
	require.Eventually(t, func() bool {
		var done bool
		require.NoError(t, owner.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = 'mail.recover_lost' AND state = 'completed')").Scan(&done))
		return done
	}, time.Minute, 50*time.Millisecond)
	b.drain(t)

	state := func(id int64) (st, reason string) {
		require.NoError(t, owner.QueryRow(ctx, "SELECT state, error FROM inbound_messages WHERE id = $1", id).Scan(&st, &reason))
		return st, reason
	}
	for _, id := range []int64{first, second, third, waiting} {
		st, reason := state(id)
		require.Equal(t, "processed", st, "inbound %d: %s", id, reason)
	}
	st, _ := state(copied)
	require.Equal(t, "duplicate", st, "a true copy stays a duplicate")
	st, reason := state(ownReply)
	require.Equal(t, "duplicate", st)
	require.Equal(t, "our own reply (the copy kept in the mailbox)", reason, "other duplicates are left alone")
	var kept int
	require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM messages WHERE channel_message_id = 'old@carrier.example' OR channel_message_id LIKE 'old@carrier.example#%'`).Scan(&kept))
	require.Equal(t, 3, kept)
}
