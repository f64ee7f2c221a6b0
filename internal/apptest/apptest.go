// Package apptest boots the real Shopdesk handler on a test database for HTTP and browser tests,
// and makes workspaces and people through the real services.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/app"
	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/live"
	"github.com/shopdesk/shopdesk/internal/mailsink"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Password is every test person's password.
const Password = "test password 123"

// App is a running server.
type App struct {
	URL     string
	Config  config.Config
	Logger  *slog.Logger
	DB      *pgtest.DB
	Auth    *auth.Service
	Tenants *tenant.Service
	Jobs    *jobs.Client
	// Conversations is the inbox service; Live the change hub.
	Conversations *conversation.Service
	Ingest        *ingest.Service
	Email         *email.Service
	Marketplaces  *marketplace.Service
	Sender        *email.Sender
	// Senders routes replies by channel (Connect adds a test channel).
	Senders    *conversation.Senders
	Live       *live.Hub
	Automation *automation.Engine
	// Handler is what the test server serves (server.Routes lists its routes).
	Handler http.Handler
	// MailSink keeps the system mail sent in tests (no relay in the test environment).
	MailSink *mailsink.Sink
}

// Start boots the handler on an httptest server. The River client is insert-only: tests that need
// workers start their own.
func Start(t testing.TB) *App {
	t.Helper()
	return StartWith(t, nil, nil)
}

// StartWith is Start with extra environment settings; before runs after wiring and before the
// workers start (to point TLS at a test CA, say).
func StartWith(t testing.TB, env map[string]string, before func(*App)) *App {
	t.Helper()
	return start(t, env, before, nil)
}

// StartClocked is Start with a controllable clock shared by the services and River, so SLA
// timers can be brought due by moving the clock.
func StartClocked(t testing.TB, clock *Clock) *App {
	t.Helper()
	return start(t, nil, nil, clock)
}

func start(t testing.TB, env map[string]string, before func(*App), clock *Clock) *App {
	t.Helper()
	db := pgtest.NewDB(t)
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	t.Cleanup(ts.Close)
	cfg, err := config.Load(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return map[string]string{
			"DATABASE_URL":        db.AppURL,
			"SHOPDESK_SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
			"SHOPDESK_BASE_URL":   ts.URL,
			"SHOPDESK_ENV":        "test",
		}[k]
	}, true, true)
	require.NoError(t, err)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	a := &App{URL: ts.URL, DB: db, Config: cfg, Logger: logger}
	ctx, cancel := context.WithCancel(context.Background())
	// Workers run, so replies go through the real send path.
	var opts app.WireOptions
	if clock != nil {
		opts = app.WireOptions{Now: clock.Now, RiverTime: clock}
	}
	parts, err := app.WireWith(ctx, db.App, cfg, logger, true, opts)
	require.NoError(t, err)
	a.Auth, a.Tenants, a.Conversations, a.Jobs, a.Live = parts.Auth, parts.Tenants, parts.Conversations, parts.Jobs, parts.Live
	a.Ingest, a.Email, a.Sender, a.Automation = parts.Ingest, parts.Email, parts.Sender, parts.Automation
	a.MailSink = parts.MailSink
	a.Senders = parts.Senders
	a.Marketplaces = parts.Marketplaces
	if before != nil {
		before(a)
	}
	require.NoError(t, a.Jobs.Start(ctx))
	t.Cleanup(func() {
		cancel()
		<-a.Jobs.Stopped()
	})
	ts.Config.Handler = parts.Handler
	a.Handler = parts.Handler
	return a
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Workspace creates a workspace with its admin.
func (a *App) Workspace(t testing.TB, slug, adminEmail string) tenant.Scope {
	t.Helper()
	ctx := context.Background()
	ws, uid, err := a.Tenants.SignUp(ctx, tenant.SignUpInput{
		Workspace: tenant.WorkspaceInput{Name: strings.ToUpper(slug[:1]) + slug[1:] + " Shop", Slug: slug, TimeZone: "Europe/Bucharest", Language: "en"},
		Name:      "Admin of " + slug, Email: adminEmail, Password: Password,
	}, uuid.Nil, []string{"en", "ko", "ro"})
	require.NoError(t, err)
	sc, err := a.Tenants.Resolve(ctx, ws.Slug, uid)
	require.NoError(t, err)
	return sc
}

// Member invites email with role into admin's workspace and accepts as a new person.
func (a *App) Member(t testing.TB, admin tenant.Scope, email string, role tenant.Role) tenant.Scope {
	t.Helper()
	ctx := context.Background()
	_, token, err := a.Tenants.Invite(ctx, admin, email, role)
	require.NoError(t, err)
	sc, err := a.Tenants.AcceptInvitationNewAccount(ctx, admin.Workspace.Slug, token, "Person "+email, Password, Password)
	require.NoError(t, err)
	return sc
}

// Client is a browser-like HTTP client with its own cookies that does not follow redirects.
type Client struct {
	*http.Client
	base string
	t    testing.TB
}

// Client returns a new signed-out client.
func (a *App) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{Client: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, base: a.URL, t: t}
}

// SignIn signs the client in and fails the test unless it worked.
func (a *App) SignIn(t testing.TB, email string) *Client {
	t.Helper()
	c := a.Client(t)
	res := c.PostForm("/login", url.Values{"email": {email}, "password": {Password}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "sign in as %s", email)
	return c
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	require.NoError(c.t, err)
	return c.Do(req)
}

// PostForm posts a form as a same-origin browser would (Sec-Fetch-Site and Origin).
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// Do sends a request and reads the whole body.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	res, err := c.Client.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return &Response{Response: res, Body: string(body)}
}

// Response is a response with its body read.
type Response struct {
	*http.Response
	Body string
}

// UserID looks a person up by email.
func (a *App) UserID(t testing.TB, email string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, a.DB.App.QueryRow(context.Background(), "SELECT id FROM users WHERE email = $1", email).Scan(&id))
	return id
}
