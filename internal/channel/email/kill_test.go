package email_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/mailtest"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// shopdeskBinary builds cmd/shopdesk once per test binary.
func shopdeskBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "shopdesk-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "shopdesk")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/shopdesk/shopdesk/cmd/shopdesk").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// killWorld is a workspace with a connected mailbox and no workers in this process: the only
// worker is the shopdesk process the test starts and kills.
type killWorld struct {
	db      *pgtest.DB
	mt      *mailtest.Server
	sc      tenant.Scope
	box     string
	account email.Account
	conv    *conversation.Service
}

func newKillWorld(t *testing.T) *killWorld {
	t.Helper()
	ctx := context.Background()
	w := &killWorld{db: pgtest.NewDB(t), mt: mailtest.Start(t)}
	w.box = w.mt.Mailbox(t)
	tenants := tenant.New(w.db.Store, nil)
	slug := "k" + w.box[:3]
	ws, uid, err := tenants.SignUp(ctx, tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: "Kill", Slug: slug, TimeZone: "UTC", Language: "en"},
		Name: "Admin", Email: "admin@" + slug + ".test", Password: "a long password"}, uuid.Nil, []string{"en"})
	require.NoError(t, err)
	w.sc, err = tenants.Resolve(ctx, ws.Slug, uid)
	require.NoError(t, err)
	raw, err := config.DecodeKey(testKey)
	require.NoError(t, err)
	keys, err := secret.New(raw)
	require.NoError(t, err)
	w.account, err = email.NewService(w.db.Store, keys).Create(ctx, w.sc, email.Form{Name: "Store", Address: w.box,
		IMAPHost: "127.0.0.1", IMAPPort: strconv.Itoa(w.mt.IMAPPort), IMAPTLS: "none", IMAPPassword: mailtest.Password,
		SMTPHost: "127.0.0.1", SMTPPort: strconv.Itoa(w.mt.SMTPPort), SMTPTLS: "none"})
	require.NoError(t, err)
	client, err := jobs.NewClient(w.db.App, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{}, jobs.Deps{})
	require.NoError(t, err)
	w.conv = conversation.New(w.db.Store, client, nil)
	// Replies are checked against the email channel as in the server (the worker process sends).
	senders := conversation.NewSenders()
	senders.Register("email", &email.Sender{Accounts: email.NewService(w.db.Store, keys)})
	w.conv.UseSenders(senders)
	return w
}

// start runs `shopdesk serve --role worker` against the test database.
func (w *killWorld) start(t *testing.T, failpoints string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(shopdeskBinary(t), "serve", "--role", "worker")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+w.db.AppURL, "SHOPDESK_SECRET_KEY="+testKey, "SHOPDESK_ENV=test",
		"SHOPDESK_MAIL_POLL=1s", "SHOPDESK_JOB_TIMEOUT=10s", "SHOPDESK_JOB_RESCUE_AFTER=11s", "SHOPDESK_WORKERS=4",
		"SHOPDESK_FAILPOINTS="+failpoints, "SHOPDESK_LOG_LEVEL=warn")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("shopdesk output:\n%s", out.String())
		}
	})
	return cmd
}

// killed waits for the process to die from its failpoint.
func killed(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "the process ended without being killed: %v", err)
		ws, ok := ee.Sys().(syscall.WaitStatus)
		require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "ended with %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the failpoint never fired")
	}
}

func (w *killWorld) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	err := w.db.Store.InTenantTx(context.Background(), w.sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), query, w.sc.TenantID()).Scan(&n)
	})
	require.NoError(t, err)
	return n
}

func TestKillDuringSync(t *testing.T) {
	t.Parallel()
	w := newKillWorld(t)
	const total = 500
	raws := make([][]byte, total)
	for i := range raws {
		raws[i] = customerMail(fmt.Sprintf("buyer%d@example.net", i), w.box, fmt.Sprintf("kill-%d@example.net", i),
			fmt.Sprintf("Question %d", i), fmt.Sprintf("Message number %d", i))
	}
	w.mt.Append(t, w.box, raws...)

	// Killed after its third batch (150 messages) is committed, in the middle of the sync.
	killed(t, w.start(t, "mail.sync.batch=3"))
	stored := w.count(t, `SELECT count(*) FROM inbound_messages WHERE tenant_id = $1`)
	require.Equal(t, 150, stored, "the batches committed before the kill, with their cursor")

	w.start(t, "")
	require.Eventually(t, func() bool {
		return w.count(t, `SELECT count(*) FROM messages WHERE tenant_id = $1`) >= total &&
			w.count(t, `SELECT count(*) FROM inbound_messages WHERE tenant_id = $1 AND state = 'pending'`) == 0
	}, 90*time.Second, 200*time.Millisecond)
	time.Sleep(2 * time.Second) // another poll or two: nothing more may arrive
	require.Equal(t, total, w.count(t, `SELECT count(*) FROM inbound_messages WHERE tenant_id = $1`))
	require.Equal(t, total, w.count(t, `SELECT count(*) FROM messages WHERE tenant_id = $1`))
	require.Equal(t, total, w.count(t, `SELECT count(DISTINCT channel_message_id) FROM messages WHERE tenant_id = $1`))
	require.Equal(t, total, w.count(t, `SELECT count(*) FROM tickets WHERE tenant_id = $1`))
}

func TestKillAfterSMTPAcceptance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newKillWorld(t)
	tk, err := w.conv.CreateInbound(ctx, w.sc, conversation.NewTicket{Channel: "email", Subject: "Late parcel", EmailAccountID: w.account.ID,
		Customer: conversation.CustomerRef{Name: "Cai", Email: "cai@example.net"},
		Message:  conversation.Inbound{Text: "Where is it?", From: "cai@example.net", ChannelMessageID: "late-1@example.net"}})
	require.NoError(t, err)
	m, err := w.conv.Reply(ctx, w.sc, tk.Number, conversation.ReplyInput{Body: "On its way.", Confirm: true})
	require.NoError(t, err)
	mid := email.MessageID(w.sc.TenantID(), tk.Number, m.ID, w.box)

	// Killed right after the SMTP server accepted the reply, before the database heard of it.
	killed(t, w.start(t, "send.after_accept=1"))
	require.Len(t, w.mt.Find(t, mailtest.Sink, "Message-ID", mid, 20*time.Second), 1)
	require.Equal(t, 1, w.count(t, `SELECT count(*) FROM messages WHERE tenant_id = $1 AND delivery_state = 'sending'`))

	// Restarted: the abandoned job is rescued, finds the copy in the account's mailbox, and
	// records the reply as sent without sending it again.
	w.start(t, "")
	require.Eventually(t, func() bool {
		return w.count(t, `SELECT count(*) FROM messages WHERE tenant_id = $1 AND delivery_state = 'sent'`) == 1
	}, 90*time.Second, 200*time.Millisecond)
	time.Sleep(3 * time.Second)
	require.Len(t, w.mt.Find(t, mailtest.Sink, "Message-ID", mid, time.Second), 1, "the customer received exactly one copy")
}
