package server_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// TestInAppNotFoundIsStyled: an unknown path or a wrong method anywhere inside the app answers with
// the styled error page (the app's frame, a heading, a way back), never Go's plain text.
func TestInAppNotFoundIsStyled(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	sc := app.Workspace(t, "lost", "admin@lost.test")
	app.Member(t, sc, "agent@lost.test", tenant.RoleAgent)
	admin := app.SignIn(t, "admin@lost.test")
	agent := app.SignIn(t, "agent@lost.test")

	styled := func(t *testing.T, res *apptest.Response, status int) {
		t.Helper()
		require.Equal(t, status, res.StatusCode)
		require.Contains(t, res.Header.Get("Content-Type"), "text/html")
		require.NotContains(t, res.Body, "404 page not found")
		require.NotContains(t, res.Body, "Method Not Allowed\n")
		require.Contains(t, res.Body, "<h1")
		require.Contains(t, res.Body, `data-testid="nav-inbox"`, "inside the app's frame")
	}
	for _, p := range []string{"/w/lost/nothing-here", "/w/lost/settings/nothing-here", "/w/lost/settings/rules/x/y/z", "/w/lost/t/1/nothing", "/nothing-here"} {
		t.Run(p, func(t *testing.T) {
			res := admin.Get(p)
			if p == "/nothing-here" {
				require.Equal(t, http.StatusNotFound, res.StatusCode)
				require.NotContains(t, res.Body, "404 page not found")
				return
			}
			styled(t, res, http.StatusNotFound)
		})
	}
	t.Run("method not allowed", func(t *testing.T) {
		styled(t, admin.PostForm("/w/lost/settings", nil), http.StatusMethodNotAllowed)
		styled(t, admin.PostForm("/w/lost/settings/nothing-here", nil), http.StatusNotFound)
	})
	t.Run("not allowed for the role", func(t *testing.T) {
		styled(t, agent.Get("/w/lost/settings/rules"), http.StatusForbidden)
		styled(t, agent.Get("/w/lost/settings/nothing-here"), http.StatusNotFound)
	})
}
