package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
)

// A page view reads the session; it writes it only when its data changed or its idle expiry has
// fallen more than ten minutes behind (internal/ui/session_store.go).
func TestPageViewsDoNotRewriteTheSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	app.Workspace(t, "alpha", "admin@alpha.test")
	c := app.SignIn(t, "admin@alpha.test")

	type version struct {
		xmin   string
		expiry time.Time
	}
	row := func() (v version, n int) {
		require.NoError(t, app.DB.App.QueryRow(ctx, "SELECT xmin::text, expiry, count(*) OVER () FROM sessions").Scan(&v.xmin, &v.expiry, &n))
		return v, n
	}
	signedIn, n := row()
	require.Equal(t, 1, n)
	for range 3 {
		require.Equal(t, http.StatusOK, c.Get("/w/alpha/inbox").StatusCode)
	}
	now, _ := row()
	require.Equal(t, signedIn, now, "three page views, no write")

	// An expiry that has fallen behind is moved forward by the next request.
	_, err := app.DB.App.Exec(ctx, "UPDATE sessions SET expiry = expiry - interval '11 minutes'")
	require.NoError(t, err)
	behind, _ := row()
	require.Equal(t, http.StatusOK, c.Get("/w/alpha/inbox").StatusCode)
	moved, _ := row()
	require.NotEqual(t, behind.xmin, moved.xmin)
	require.WithinDuration(t, signedIn.expiry, moved.expiry, time.Minute)
	require.True(t, moved.expiry.After(behind.expiry))

	// Signing out deletes the session (a new anonymous one carries the "signed out" message).
	var token string
	require.NoError(t, app.DB.App.QueryRow(ctx, "SELECT token FROM sessions").Scan(&token))
	require.Equal(t, http.StatusSeeOther, c.PostForm("/logout", url.Values{}).StatusCode)
	var left int
	require.NoError(t, app.DB.App.QueryRow(ctx, "SELECT count(*) FROM sessions WHERE token = $1", token).Scan(&left))
	require.Zero(t, left)
	require.Equal(t, http.StatusSeeOther, c.Get("/w/alpha/inbox").StatusCode)
}
