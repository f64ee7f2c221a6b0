package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/mailsink"
)

// waitMail waits for the n-th system mail to rcpt in the development mail sink.
func waitMail(t *testing.T, app *apptest.App, rcpt string, n int) mailsink.Message {
	t.Helper()
	require.NotNil(t, app.MailSink, "the test environment has no relay, so system mail goes to the sink")
	deadline := time.Now().Add(20 * time.Second)
	for {
		msgs, err := app.MailSink.To(context.Background(), rcpt)
		require.NoError(t, err)
		if len(msgs) >= n {
			return msgs[n-1]
		}
		require.True(t, time.Now().Before(deadline), "no mail %d to %s", n, rcpt)
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPasswordResetThroughThePages(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	app.Workspace(t, "alpha", "admin@alpha.test")
	elsewhere := app.SignIn(t, "admin@alpha.test")
	require.Equal(t, http.StatusOK, elsewhere.Get("/w/alpha/inbox").StatusCode)

	anon := app.Client(t)
	login := anon.Get("/login")
	require.Contains(t, login.Body, `href="/password/forgot"`)
	require.Equal(t, http.StatusOK, anon.Get("/password/forgot").StatusCode)

	// The same page for an address with an account and for one without.
	known := anon.PostForm("/password/forgot", url.Values{"email": {"admin@alpha.test"}})
	unknown := anon.PostForm("/password/forgot", url.Values{"email": {"nobody@alpha.test"}})
	require.Equal(t, http.StatusOK, known.StatusCode)
	require.Equal(t, known.StatusCode, unknown.StatusCode)
	require.Equal(t, known.Body, unknown.Body)
	require.Contains(t, known.Body, "If an account exists for that address, we&#39;ve sent a link to it.")
	require.Equal(t, http.StatusUnprocessableEntity, anon.PostForm("/password/forgot", url.Values{"email": {"not an address"}}).StatusCode)

	m := waitMail(t, app, "admin@alpha.test", 1)
	link := regexp.MustCompile(regexp.QuoteMeta(app.URL) + `(/password/reset/[A-Za-z0-9_-]+)`).FindStringSubmatch(m.Text)
	require.NotNil(t, link, m.Text)
	path := link[1]

	page := anon.Get(path)
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, `data-testid="reset-form"`)
	require.Equal(t, http.StatusUnprocessableEntity, anon.PostForm(path, url.Values{"password": {"short"}, "confirm_password": {"short"}}).StatusCode)
	done := anon.PostForm(path, url.Values{"password": {"the new password 1"}, "confirm_password": {"the new password 1"}})
	require.Equal(t, http.StatusSeeOther, done.StatusCode)
	require.Equal(t, "/login", done.Header.Get("Location"))
	require.Contains(t, anon.Get("/login").Body, "every session you had is signed out")

	// The session signed in before the reset has ended.
	res := elsewhere.Get("/w/alpha/inbox")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Location"), "/login"), res.Header.Get("Location"))

	// The link is used up.
	again := anon.Get(path)
	require.Equal(t, http.StatusNotFound, again.StatusCode)
	require.Contains(t, again.Body, `data-testid="reset-invalid"`)

	fresh := app.Client(t)
	require.Equal(t, http.StatusSeeOther, fresh.PostForm("/login", url.Values{"email": {"admin@alpha.test"}, "password": {"the new password 1"}}).StatusCode)

	// Nothing was mailed to the address without an account.
	msgs, err := app.MailSink.To(context.Background(), "nobody@alpha.test")
	require.NoError(t, err)
	require.Empty(t, msgs)

	// The sink's page lists the mail and makes its link clickable.
	list := anon.Get("/dev/mail")
	require.Equal(t, http.StatusOK, list.StatusCode)
	require.Contains(t, list.Body, "Reset your Shopdesk password")
	msg := anon.Get("/dev/mail/" + strconv.FormatInt(m.ID, 10))
	require.Equal(t, http.StatusOK, msg.StatusCode)
	require.Contains(t, msg.Body, `<a href="`+app.URL+path+`">`)
	require.Equal(t, http.StatusNotFound, anon.Get("/dev/mail/999999").StatusCode)
}

// A signed-in next value that would leave the site is dropped.
func TestSignInNextStaysOnSite(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	app.Workspace(t, "alpha", "admin@alpha.test")
	for next, want := range map[string]string{
		"/w/alpha/inbox":   "/w/alpha/inbox",
		"/\t/evil.example": "/",
		"//evil.example":   "/",
		"/\\evil.example":  "/",
	} {
		c := app.Client(t)
		res := c.PostForm("/login", url.Values{"email": {"admin@alpha.test"}, "password": {apptest.Password}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		require.Equal(t, want, res.Header.Get("Location"), "next=%q", next)
	}
}

func TestInvitationIsMailed(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	app.Workspace(t, "alpha", "admin@alpha.test")
	admin := app.SignIn(t, "admin@alpha.test")
	res := admin.PostForm("/w/alpha/settings/people/invite", url.Values{"email": {"new.agent@alpha.test"}, "role": {"agent"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	people := admin.Get("/w/alpha/settings/people")
	shown := regexp.MustCompile(`data-testid="invite-link">([^<]+)<`).FindStringSubmatch(people.Body)
	require.NotNil(t, shown, "the admin still sees the link")

	m := waitMail(t, app, "new.agent@alpha.test", 1)
	require.Equal(t, "Admin of alpha invited you to Alpha Shop on Shopdesk", m.Subject)
	require.Contains(t, m.Text, shown[1], "the mail carries the same link")
	require.Contains(t, m.Text, "as Agent")

	// The people page says where the mail went.
	deadline := time.Now().Add(10 * time.Second)
	for {
		body := admin.Get("/w/alpha/settings/people").Body
		if strings.Contains(body, "Delivered to the development mail sink") {
			break
		}
		require.True(t, time.Now().Before(deadline), body)
		time.Sleep(50 * time.Millisecond)
	}
	// The link in the mail works.
	invitee := app.Client(t)
	page := invitee.Get(strings.TrimPrefix(shown[1], app.URL))
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, `data-testid="invite-form"`)
}
