package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/ui"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// workspaceRoutes lists every route under /w/{workspace}, so a route added later is covered by the
// isolation tests without anyone remembering to add it.
func workspaceRoutes(t *testing.T, a *apptest.App) []chi.Route {
	t.Helper()
	h := ui.New(ui.Deps{Store: a.DB.Store, Auth: a.Auth, Tenants: a.Tenants, Jobs: jobs.NewAdmin(a.Jobs), Logger: a.Logger, Config: a.Config})
	r := chi.NewRouter()
	h.Routes(r)
	var out []chi.Route
	require.NoError(t, chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/w/{workspace}") {
			out = append(out, chi.Route{Pattern: method + " " + route})
		}
		return nil
	}))
	require.Greater(t, len(out), 10)
	return out
}

type fixture struct {
	app               *apptest.App
	a, b              tenant.Scope
	agentA, managerA  tenant.Scope
	bInvitation, bJob string
	bTicket, bMessage string
	bMerge, bInbound  string
	bAccount          string
	bMarket           string
	bRule, bPolicy    string
	bCalendar, bTeam  string
	bCustomer         string
	adminAC, agentAC  *apptest.Client
	managerAC         *apptest.Client
}

func setup(t *testing.T) *fixture {
	t.Helper()
	app := apptest.Start(t)
	f := &fixture{app: app}
	f.a = app.Workspace(t, "alpha", "admin@alpha.test")
	f.b = app.Workspace(t, "bravo", "admin@bravo.test")
	f.agentA = app.Member(t, f.a, "agent@alpha.test", tenant.RoleAgent)
	f.managerA = app.Member(t, f.a, "manager@alpha.test", tenant.RoleManager)
	inv, _, err := app.Tenants.Invite(context.Background(), f.b, "new@bravo.test", tenant.RoleAgent)
	require.NoError(t, err)
	f.bInvitation = inv.ID.String()
	// Inserted by an insert-only client into a queue nobody works, so it stays where the tests put it.
	inserter, err := jobs.NewClient(app.DB.App, app.Logger, jobs.Options{}, jobs.Deps{})
	require.NoError(t, err)
	res, err := inserter.Insert(context.Background(), noopArgs{}, &river.InsertOpts{Queue: "test_only"})
	require.NoError(t, err)
	_, err = app.DB.App.Exec(context.Background(), "UPDATE river_job SET metadata = $1 WHERE id = $2", jobs.TenantMetadata(f.b.TenantID()), res.Job.ID)
	require.NoError(t, err)
	f.bJob = strconv.FormatInt(res.Job.ID, 10)
	// Bravo has more tickets than Alpha, so Bravo's highest number does not exist in Alpha.
	var last conversation.Ticket
	for i := range 3 {
		var err error
		last, err = app.Conversations.CreateInbound(context.Background(), f.b, conversation.NewTicket{Channel: "email", Subject: "Bravo secret",
			Customer: conversation.CustomerRef{Email: fmt.Sprintf("buyer%d@bravo.test", i)}, Message: conversation.Inbound{Text: "Bravo secret text"}})
		require.NoError(t, err)
	}
	_, err = app.Conversations.CreateInbound(context.Background(), f.a, conversation.NewTicket{Channel: "email", Subject: "Alpha ticket",
		Customer: conversation.CustomerRef{Email: "buyer@alpha.test"}, Message: conversation.Inbound{Text: "Alpha text"}})
	require.NoError(t, err)
	mergeID, err := app.Conversations.Merge(context.Background(), f.b, 1, 2, conversation.MergeOptions{Confirm: true})
	require.NoError(t, err)
	d, err := app.Conversations.Detail(context.Background(), f.b, last.Number)
	require.NoError(t, err)
	f.bTicket, f.bMessage, f.bMerge = strconv.FormatInt(last.Number, 10), strconv.FormatInt(d.Messages[0].ID, 10), strconv.FormatInt(mergeID, 10)
	f.bCustomer = d.Customer.ID.String()
	inboundID, _, err := app.Ingest.Accept(context.Background(), f.b.TenantID(), "test", []byte("Subject: Bravo secret quarantine\r\n\r\nno sender"))
	require.NoError(t, err)
	f.bInbound = strconv.FormatInt(inboundID, 10)
	acct, err := app.Email.Create(context.Background(), f.b, email.Form{Name: "Bravo secret store", Address: "shop@bravo.test"})
	require.NoError(t, err)
	f.bAccount = strconv.FormatInt(acct.ID, 10)
	market, err := app.Marketplaces.Create(context.Background(), f.b, marketplace.Form{Marketplace: "amazon", Name: "Bravo secret Amazon", Sites: []string{"amazon.com"}})
	require.NoError(t, err)
	f.bMarket = strconv.FormatInt(market.ID, 10)
	// Bravo's rules, SLA policies and calendar come with the workspace; its team is made here.
	rules, err := app.Automation.Rules(context.Background(), f.b)
	require.NoError(t, err)
	policies, err := app.Automation.Policies(context.Background(), f.b)
	require.NoError(t, err)
	cals, err := app.Automation.Calendars(context.Background(), f.b)
	require.NoError(t, err)
	team, err := app.Automation.SaveTeam(context.Background(), f.b, uuid.Nil, automation.TeamInput{Name: "Bravo secret team", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	f.bRule, f.bPolicy, f.bCalendar, f.bTeam = rules[0].ID.String(), policies[0].ID.String(), cals[0].ID.String(), team.String()
	f.adminAC = app.SignIn(t, "admin@alpha.test")
	f.agentAC = app.SignIn(t, "agent@alpha.test")
	f.managerAC = app.SignIn(t, "manager@alpha.test")
	return f
}

type noopArgs struct{}

func (noopArgs) Kind() string { return "test.noop" }

func fill(route string, f *fixture, slug string) (method, path string) {
	method, path, _ = strings.Cut(route, " ")
	path = strings.TrimSuffix(path, "/*")
	r := strings.NewReplacer("{workspace}", slug, "{userID}", f.b.UserID.String(),
		"{invitationID}", f.bInvitation, "{jobID}", f.bJob, "{number}", f.bTicket, "{messageID}", f.bMessage,
		"{mergeID}", f.bMerge, "{attachmentID}", "1", "{inboundID}", f.bInbound, "{accountID}", f.bAccount, "{marketplace}", "amazon", "{marketID}", f.bMarket,
		"{ruleID}", f.bRule, "{policyID}", f.bPolicy, "{calendarID}", f.bCalendar, "{teamID}", f.bTeam, "{preset}", "bol", "{customerID}", f.bCustomer)
	return method, r.Replace(path)
}

func request(c *apptest.Client, method, path string) *apptest.Response {
	if method == http.MethodPost {
		return c.PostForm(path, url.Values{"role": {"admin"}, "email": {"x@alpha.test"}, "workspace_name": {"Hacked"}, "time_zone": {"UTC"}, "language": {"en"}})
	}
	return c.Get(path)
}

func TestWorkspaceIsolation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	routes := workspaceRoutes(t, f.app)

	t.Run("EveryURLOfAnotherWorkspaceIs404", func(t *testing.T) {
		t.Parallel()
		for _, c := range []*apptest.Client{f.agentAC, f.managerAC, f.adminAC} {
			for _, rt := range routes {
				method, path := fill(rt.Pattern, f, "bravo")
				res := request(c, method, path)
				require.Equal(t, http.StatusNotFound, res.StatusCode, "%s %s", method, path)
				require.NotContains(t, res.Body, "Bravo Shop")
				require.NotContains(t, res.Body, "Bravo secret")
			}
		}
	})

	t.Run("GuessedIDsOfAnotherWorkspaceAre404", func(t *testing.T) {
		t.Parallel()
		for _, rt := range routes {
			if !strings.Contains(rt.Pattern, "ID}") && !strings.Contains(rt.Pattern, "{number}") {
				continue
			}
			method, path := fill(rt.Pattern, f, "alpha")
			res := request(f.adminAC, method, path)
			require.Equal(t, http.StatusNotFound, res.StatusCode, "%s %s", method, path)
			require.NotContains(t, res.Body, "Bravo secret")
		}
		// Bravo's merge is still in place: Alpha's admin could not undo it.
		tk, err := f.app.Conversations.Ticket(context.Background(), f.b, 1)
		require.NoError(t, err)
		require.True(t, tk.MergedInto.Valid)
		// Nothing of B changed.
		sc, err := f.app.Tenants.Resolve(context.Background(), "bravo", f.b.UserID)
		require.NoError(t, err)
		require.Equal(t, tenant.RoleAdmin, sc.Role)
		pending, err := f.app.Tenants.PendingInvitations(context.Background(), f.b)
		require.NoError(t, err)
		require.Len(t, pending, 1)
	})

	t.Run("RolesGateEveryRoute", func(t *testing.T) {
		t.Parallel()
		for _, rt := range routes {
			method, path := fill(rt.Pattern, f, "alpha")
			if strings.Contains(path, "/settings") {
				for _, c := range []*apptest.Client{f.agentAC, f.managerAC} {
					res := request(c, method, path)
					require.Equal(t, http.StatusForbidden, res.StatusCode, "%s %s", method, path)
				}
			}
		}
		// The agent's forged admin POSTs changed nothing.
		sc, err := f.app.Tenants.Resolve(context.Background(), "alpha", f.agentA.UserID)
		require.NoError(t, err)
		require.Equal(t, tenant.RoleAgent, sc.Role)
		ws, err := f.app.Tenants.BySlug(context.Background(), "alpha")
		require.NoError(t, err)
		require.Equal(t, "Alpha Shop", ws.Name)
	})

	t.Run("SignedOutIsSentToLogin", func(t *testing.T) {
		t.Parallel()
		c := f.app.Client(t)
		res := c.Get("/w/alpha/inbox")
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		require.Equal(t, "/login?next=%2Fw%2Falpha%2Finbox", res.Header.Get("Location"))
		res = c.PostForm("/w/alpha/settings/people/invite", url.Values{"email": {"x@y.test"}})
		require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	})
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for name, hdr := range map[string]map[string]string{
		"SecFetchSite": {"Sec-Fetch-Site": "cross-site"},
		"Origin":       {"Origin": "https://evil.example"},
	} {
		req, err := http.NewRequest(http.MethodPost, f.app.URL+"/w/alpha/settings/people/invite", strings.NewReader("email=evil%40evil.example&role=admin"))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res := f.adminAC.Do(req)
		require.Equal(t, http.StatusForbidden, res.StatusCode, name)
		require.Contains(t, res.Body, "Cross-site request refused")
	}
	pending, err := f.app.Tenants.PendingInvitations(context.Background(), f.a)
	require.NoError(t, err)
	require.Empty(t, pending)
	// The same form from the page itself works.
	res := f.adminAC.PostForm("/w/alpha/settings/people/invite", url.Values{"email": {"ok@alpha.test"}, "role": {"agent"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	f := setup(t)
	c := f.app.Client(t)
	for range 4 {
		res := c.PostForm("/login", url.Values{"email": {"agent@alpha.test"}, "password": {"wrong"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	}
	res := c.PostForm("/login", url.Values{"email": {"agent@alpha.test"}, "password": {"wrong"}})
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	require.NotEmpty(t, res.Header.Get("Retry-After"))
	require.Contains(t, res.Body, "15 minutes")
	res = c.PostForm("/login", url.Values{"email": {"agent@alpha.test"}, "password": {apptest.Password}})
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode, "locked even with the right password")
}

func TestSecurityHeadersAndSessionCookie(t *testing.T) {
	t.Parallel()
	f := setup(t)
	res := f.app.Client(t).Get("/login")
	require.Equal(t, http.StatusOK, res.StatusCode)
	csp := res.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "script-src 'self'")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.NotContains(t, csp, "unsafe-inline")
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.NotContains(t, res.Body, "<script>")
	require.NotContains(t, res.Body, "style=")

	c := f.app.Client(t)
	res = c.PostForm("/login", url.Values{"email": {"agent@alpha.test"}, "password": {apptest.Password}})
	cookie := res.Header.Get("Set-Cookie")
	require.Contains(t, cookie, "HttpOnly")
	require.Contains(t, cookie, "SameSite=Lax")
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	other := f.app.SignIn(t, "agent@alpha.test")
	require.Equal(t, http.StatusOK, other.Get("/w/alpha/inbox").StatusCode)
	res := f.agentAC.PostForm("/account/password", url.Values{"current_password": {apptest.Password}, "new_password": {"a new password 456"}, "confirm_password": {"a new password 456"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, http.StatusOK, f.agentAC.Get("/w/alpha/inbox").StatusCode, "the changing session continues")
	require.Equal(t, http.StatusSeeOther, other.Get("/w/alpha/inbox").StatusCode, "the other session ended")
}

func TestHealth(t *testing.T) {
	t.Parallel()
	f := setup(t)
	c := f.app.Client(t)
	require.Equal(t, http.StatusOK, c.Get("/healthz").StatusCode)
	res := c.Get("/readyz")
	require.Equal(t, http.StatusOK, res.StatusCode, res.Body)
	_, err := f.app.DB.Owner(t).Exec(context.Background(), "UPDATE schema_migrations SET dirty = true")
	require.NoError(t, err)
	res = c.Get("/readyz")
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.Contains(t, res.Body, "migrate up")
}

func TestJobsPage(t *testing.T) {
	t.Parallel()
	f := setup(t)
	c := f.app.SignIn(t, "admin@bravo.test")
	res := c.Get("/w/bravo/settings/jobs?state=available")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Body, `data-testid="job-`+f.bJob+`"`)
	require.Contains(t, res.Body, "test.noop")
	// Alpha's admin sees none of Bravo's jobs on Alpha's page.
	res = f.adminAC.Get("/w/alpha/settings/jobs?state=available")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, res.Body, "test.noop")

	res = c.PostForm("/w/bravo/settings/jobs/"+f.bJob+"/cancel", url.Values{"state": {"available"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = c.Get("/w/bravo/settings/jobs?state=cancelled")
	require.Contains(t, res.Body, `data-testid="job-retry-`+f.bJob+`"`)
	res = c.PostForm("/w/bravo/settings/jobs/"+f.bJob+"/retry", url.Values{"state": {"cancelled"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	id, _ := strconv.ParseInt(f.bJob, 10, 64)
	j, err := f.app.Jobs.JobGet(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, "available", string(j.State))
	require.Equal(t, http.StatusNotFound, c.Get("/w/bravo/settings/jobs?state=bogus").StatusCode)
}

func TestWorkspaceSwitcherListsEveryMembership(t *testing.T) {
	t.Parallel()
	f := setup(t)
	_, token, err := f.app.Tenants.Invite(context.Background(), f.b, "agent@alpha.test", tenant.RoleAgent)
	require.NoError(t, err)
	_, err = f.app.Tenants.AcceptInvitation(context.Background(), "bravo", token, f.agentA.UserID)
	require.NoError(t, err)
	res := f.agentAC.Get("/w/alpha/inbox")
	require.Contains(t, res.Body, `href="/w/bravo/inbox"`)
	require.Equal(t, http.StatusOK, f.agentAC.Get("/w/bravo/inbox").StatusCode)
	res = f.agentAC.Get("/")
	require.Equal(t, "/workspaces", res.Header.Get("Location"), "two workspaces: the person picks one")
	res = f.agentAC.Get("/workspaces")
	require.Contains(t, res.Body, "Alpha Shop")
	require.Contains(t, res.Body, "Bravo Shop")
}

func TestFormsRerenderWithFieldMessages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	res := f.app.Client(t).PostForm("/signup", url.Values{"workspace_name": {"X"}, "slug": {"alpha"}, "time_zone": {"Nowhere/City"}, "language": {"en"}, "name": {"N"}, "email": {"bad"}, "password": {"short"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	for _, want := range []string{`id="slug-error"`, "This address is taken", `id="time_zone-error"`, `id="email-error"`, `id="password-error"`, `aria-invalid="true"`, `value="X"`} {
		require.Contains(t, res.Body, want)
	}
	res = f.adminAC.PostForm("/w/alpha/settings/people/invite", url.Values{"email": {"agent@alpha.test"}, "role": {"agent"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "already in the workspace")
}

func TestAttachmentsUploadAndServeSafely(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.app.Connect("email")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("body", "Photos attached")
	_ = mw.WriteField("confirm", "1")
	png := []byte("\x89PNG\r\n\x1a\n0000")
	for _, file := range []struct {
		name, ct string
		data     []byte
	}{
		{"photo.png", "image/png", png},
		{"page.html", "text/html", []byte("<script>alert(1)</script>")},
	} {
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="attachments"; filename=%q`, file.name))
		h.Set("Content-Type", file.ct)
		part, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, _ = part.Write(file.data)
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, f.app.URL+"/w/alpha/t/1/reply", &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", f.app.URL)
	res := f.agentAC.Do(req)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)

	d, err := f.app.Conversations.Detail(context.Background(), f.a, 1)
	require.NoError(t, err)
	var ids []int64
	for _, atts := range d.Attachments {
		for _, a := range atts {
			ids = append(ids, a.ID)
		}
	}
	require.Len(t, ids, 2)
	for _, id := range ids {
		res := f.agentAC.Get(fmt.Sprintf("/w/alpha/t/1/attachments/%d", id))
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, res.Header.Get("Content-Security-Policy"), "sandbox")
		if res.Body == string(png) {
			require.Equal(t, "image/png", res.Header.Get("Content-Type"))
			require.True(t, strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline"))
		} else {
			require.Equal(t, "application/octet-stream", res.Header.Get("Content-Type"), "HTML is never served as HTML")
			require.True(t, strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment"))
		}
		// Another workspace cannot fetch it.
		bravo := f.app.SignIn(t, "admin@bravo.test")
		require.Equal(t, http.StatusNotFound, bravo.Get(fmt.Sprintf("/w/alpha/t/1/attachments/%d", id)).StatusCode)
	}
}

// Mail stored by any source is processed by the River job into the inbox, where the agent sees it.
func TestInboundMailReachesTheInbox(t *testing.T) {
	t.Parallel()
	f := setup(t)
	raw := "From: Dana <dana@example.com>\r\nSubject: Parcel never arrived\r\nMessage-ID: <dana-1@example.com>\r\n\r\nHello, my parcel never arrived.\r\n"
	_, dup, err := f.app.Ingest.Accept(context.Background(), f.a.TenantID(), "test", []byte(raw))
	require.NoError(t, err)
	require.False(t, dup)
	require.Eventually(t, func() bool {
		return strings.Contains(f.agentAC.Get("/w/alpha/inbox?view=open").Body, "Parcel never arrived")
	}, 15*time.Second, 100*time.Millisecond)
}

func TestQuarantineIsVisibleAndRetryable(t *testing.T) {
	t.Parallel()
	f := setup(t)
	raw := "Subject: broken\r\n\r\nno From header"
	id, _, err := f.app.Ingest.Accept(context.Background(), f.a.TenantID(), "test", []byte(raw))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return strings.Contains(f.adminAC.Get("/w/alpha/settings/mail").Body, fmt.Sprintf(`data-testid="quarantined-%d"`, id))
	}, 15*time.Second, 100*time.Millisecond)
	res := f.adminAC.Get(fmt.Sprintf("/w/alpha/settings/mail/quarantine/%d/raw", id))
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, raw, res.Body)
	res = f.adminAC.PostForm(fmt.Sprintf("/w/alpha/settings/mail/quarantine/%d/retry", id), nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, http.StatusForbidden, f.agentAC.Get("/w/alpha/settings/mail").StatusCode)
}

func TestMailHealthAndRetryAllWithReason(t *testing.T) {
	t.Parallel()
	f := setup(t)
	page := f.adminAC.Get("/w/alpha/settings/mail").Body
	require.Contains(t, page, `data-testid="mail-backlog"`)
	require.Contains(t, page, "Every accepted message has been processed.")
	var ids []int64
	for i := range 2 {
		id, _, err := f.app.Ingest.Accept(context.Background(), f.a.TenantID(), "test", []byte(fmt.Sprintf("Subject: broken %d\r\n\r\nno From header", i)))
		require.NoError(t, err)
		ids = append(ids, id)
	}
	require.Eventually(t, func() bool {
		body := f.adminAC.Get("/w/alpha/settings/mail").Body
		return strings.Contains(body, fmt.Sprintf(`data-testid="quarantined-%d"`, ids[0])) && strings.Contains(body, fmt.Sprintf(`data-testid="quarantined-%d"`, ids[1]))
	}, 15*time.Second, 100*time.Millisecond)
	page = f.adminAC.Get("/w/alpha/settings/mail").Body
	require.Contains(t, page, `data-testid="quarantine-reasons"`)
	require.Contains(t, page, "Retry all with this reason")
	reasons, err := f.app.Ingest.Reasons(context.Background(), f.a)
	require.NoError(t, err)
	require.Len(t, reasons, 1)
	require.Equal(t, int64(2), reasons[0].N)
	res := f.adminAC.PostForm("/w/alpha/settings/mail/quarantine/retry-reason", url.Values{"reason": {reasons[0].Error}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Contains(t, f.adminAC.Get("/w/alpha/settings/mail").Body, "Every message with this reason is queued to be read again.")
	// A reason no message has (any more) is said plainly, not an error page.
	res = f.adminAC.PostForm("/w/alpha/settings/mail/quarantine/retry-reason", url.Values{"reason": {"no such reason"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Contains(t, f.adminAC.Get("/w/alpha/settings/mail").Body, "No message in quarantine has this reason any more")
	require.Equal(t, http.StatusForbidden, f.agentAC.PostForm("/w/alpha/settings/mail/quarantine/retry-reason", url.Values{"reason": {reasons[0].Error}}).StatusCode)
}

func TestEmailAccountPages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ac := f.adminAC
	require.Contains(t, ac.Get("/w/alpha/settings/mail").Body, `data-testid="add-account"`)
	require.Equal(t, http.StatusOK, ac.Get("/w/alpha/settings/mail/accounts/new").StatusCode)

	// A bad form comes back with field messages and keeps what was typed (not the password).
	res := ac.PostForm("/w/alpha/settings/mail/accounts", url.Values{"name": {"Main"}, "address": {"not an address"},
		"imap_host": {"127.0.0.1"}, "imap_port": {"99999"}, "imap_password": {"hunter2"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "Enter an email address such as support@yourshop.com.")
	require.Contains(t, res.Body, "Enter a port from 1 to 65535.")
	require.Contains(t, res.Body, `value="Main"`)
	require.NotContains(t, res.Body, "hunter2")

	// IMAP on a port where nothing listens: created, and the test shows the server's answer.
	res = ac.PostForm("/w/alpha/settings/mail/accounts", url.Values{"name": {"Main"}, "address": {"support@alpha.test"},
		"imap_host": {"127.0.0.1"}, "imap_port": {"1"}, "imap_tls": {"none"}, "imap_password": {"hunter2"}, "imap_folders": {"INBOX"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	page := res.Header.Get("Location")
	require.Contains(t, page, "/w/alpha/settings/mail/accounts/")
	body := ac.Get(page).Body
	require.Contains(t, body, "Account added.")
	require.Contains(t, body, `data-testid="account-health"`)
	require.NotContains(t, body, "hunter2")
	res = ac.PostForm(page+"/test", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = ac.Get(page)
	require.Contains(t, res.Body, `data-testid="connection-test"`)
	require.Contains(t, res.Body, " failed: IMAP<")
	require.Contains(t, res.Body, "connection refused")
	// In plain words first, what to check; the server's answer underneath.
	require.Contains(t, res.Body, "The server could not be reached: check the host name and the port")
	require.Contains(t, res.Body, `class="problem-raw"`)

	// Stored secrets are sealed, never plain.
	var sealed []byte
	require.NoError(t, f.app.DB.Owner(t).QueryRow(context.Background(), `SELECT secrets FROM email_accounts WHERE address = 'support@alpha.test'`).Scan(&sealed))
	require.NotContains(t, string(sealed), "hunter2")
	require.True(t, strings.HasPrefix(string(sealed), "v1:"))

	// Editing with an empty password keeps the stored one.
	res = ac.PostForm(page+"/edit", url.Values{"name": {"Main store"}, "address": {"support@alpha.test"}, "imap_host": {"127.0.0.1"},
		"imap_port": {"1"}, "imap_tls": {"none"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	require.Contains(t, ac.Get("/w/alpha/settings/mail").Body, "Main store")

	require.Equal(t, http.StatusSeeOther, ac.PostForm(page+"/pause", nil).StatusCode)
	require.Contains(t, ac.Get(page).Body, "Paused")
	require.Equal(t, http.StatusSeeOther, ac.PostForm(page+"/resume", nil).StatusCode)
	require.Equal(t, http.StatusSeeOther, ac.PostForm(page+"/delete", nil).StatusCode)
	require.Equal(t, http.StatusNotFound, ac.Get(page).StatusCode)
	require.Equal(t, http.StatusForbidden, f.agentAC.Get("/w/alpha/settings/mail/accounts/new").StatusCode)
}

func TestInboundHTMLAndInlineImages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	png := []byte("\x89PNG\r\n\x1a\n fake image bytes")
	raw := "From: Eve <eve@example.com>\r\nTo: shop@alpha.test\r\nSubject: Photo of the damage\r\nMessage-ID: <eve-1@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=rel\r\n\r\n" +
		"--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		`<p>See <b>this</b>:</p><img src="cid:photo1@eve"><img src="https://tracker.example/pixel.gif"><script>alert(1)</script>` + "\r\n" +
		"--rel\r\nContent-Type: image/png\r\nContent-ID: <photo1@eve>\r\nContent-Disposition: inline; filename=damage.png\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(png) + "\r\n--rel--\r\n"
	_, _, err := f.app.Ingest.Accept(context.Background(), f.a.TenantID(), "test", []byte(raw))
	require.NoError(t, err)
	var number int64
	require.Eventually(t, func() bool {
		tickets, err := f.app.Conversations.Search(context.Background(), f.a, "damage", 5)
		if err != nil || len(tickets) == 0 {
			return false
		}
		number = tickets[0].Number
		return true
	}, 15*time.Second, 100*time.Millisecond)
	d, err := f.app.Conversations.Detail(context.Background(), f.a, number)
	require.NoError(t, err)
	m := d.Messages[0]
	require.Len(t, d.Attachments[m.ID], 1)
	att := d.Attachments[m.ID][0]
	require.Equal(t, "photo1@eve", att.ContentID)

	page := f.agentAC.Get(fmt.Sprintf("/w/alpha/t/%d", number)).Body
	require.Contains(t, page, `data-testid="msg-html"`)
	res := f.agentAC.Get(fmt.Sprintf("/w/alpha/t/%d/messages/%d/html", number, m.ID))
	require.Equal(t, http.StatusOK, res.StatusCode)
	csp := res.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "sandbox")
	require.Contains(t, csp, "default-src 'none'")
	require.Contains(t, res.Body, fmt.Sprintf(`src="/w/alpha/t/%d/attachments/%d"`, number, att.ID), "cid: points at our storage")
	require.NotContains(t, res.Body, "<script")
	require.NotContains(t, res.Body, ` src="https://tracker.example`, "no remote loads")
	require.NotContains(t, csp, "https:")
	require.Contains(t, page, `data-testid="load-images"`)
	// Asked for, the remote images load (and the policy lets them).
	res = f.agentAC.Get(fmt.Sprintf("/w/alpha/t/%d/messages/%d/html?images=1", number, m.ID))
	require.Contains(t, res.Body, `src="https://tracker.example/pixel.gif"`)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "img-src 'self' data: https:")
	require.NotContains(t, res.Body, "<script")
	img := f.agentAC.Get(fmt.Sprintf("/w/alpha/t/%d/attachments/%d", number, att.ID))
	require.Equal(t, http.StatusOK, img.StatusCode)
	require.Equal(t, string(png), img.Body)
}

// A reply nothing connected can deliver is a 422 with the reason and the draft, and nothing is
// queued; an admin gets the link to connect a mailbox, an agent does not.
func TestReplyWithoutChannelIsUnprocessable(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, c := range []struct {
		client *apptest.Client
		link   bool
	}{{f.agentAC, false}, {f.adminAC, true}} {
		d, err := f.app.Conversations.Detail(context.Background(), f.a, 1)
		require.NoError(t, err)
		res := c.client.PostForm("/w/alpha/t/1/reply", url.Values{"body": {"It ships today."}, "then": {"resolved"},
			"seen_last_message_at": {d.Ticket.LastMessageAt.Format(time.RFC3339Nano)}})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
		require.Contains(t, res.Body, "Not sent: no connected mailbox or account for this channel.")
		require.Contains(t, res.Body, ">It ships today.</textarea>")
		require.Equal(t, c.link, strings.Contains(res.Body, `href="/w/alpha/settings/mail" data-testid="connect-channel"`))
	}
	d, err := f.app.Conversations.Detail(context.Background(), f.a, 1)
	require.NoError(t, err)
	require.Len(t, d.Messages, 1)
	require.Equal(t, "open", d.Ticket.Status)
}
