package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// TestRoleChangesInPlace: the people list saves a role on change (htmx answers with the role cell
// only, no Save button needed with JavaScript), and demoting the last admin is refused at the field
// with the stored role shown again.
func TestRoleChangesInPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "roles", "admin@roles.test")
	agent := app.Member(t, sc, "agent@roles.test", tenant.RoleAgent)
	c := app.SignIn(t, "admin@roles.test")

	page := c.Get("/w/roles/settings/people").Body
	require.Contains(t, page, `hx-trigger="change"`)
	require.Contains(t, page, "<noscript>", "the Save button is only for browsers without JavaScript")

	htmx := func(path string, form url.Values) *apptest.Response {
		req, err := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", app.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		return c.Do(req)
	}
	res := htmx("/w/roles/settings/people/"+agent.UserID.String()+"/role", url.Values{"role": {"manager"}})
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Body, `data-testid="role-saved"`)
	require.NotContains(t, res.Body, "<html", "only the cell")
	require.Contains(t, res.Body, `<option value="manager" selected>`)
	members, err := app.Tenants.Members(ctx, sc)
	require.NoError(t, err)
	for _, m := range members {
		if m.UserID == agent.UserID {
			require.Equal(t, string(tenant.RoleManager), m.Role)
		}
	}

	res = htmx("/w/roles/settings/people/"+sc.UserID.String()+"/role", url.Values{"role": {"agent"}})
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Body, `data-testid="role-error"`)
	require.Contains(t, res.Body, "at least one administrator")
	require.Contains(t, res.Body, `<option value="admin" selected>`, "the stored role is shown again")
	require.Contains(t, res.Body, `aria-invalid="true"`)
}
