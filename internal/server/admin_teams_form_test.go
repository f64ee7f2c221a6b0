package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

var idAttr = regexp.MustCompile(`\sid="([^"]*)"`)

// requireUniqueIDs fails when an element id appears twice in a page (outside <template>s, which
// are not part of the document until copied).
func requireUniqueIDs(t *testing.T, body string) {
	t.Helper()
	body = regexp.MustCompile(`(?s)<template.*?</template>`).ReplaceAllString(body, "")
	seen := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
		require.False(t, seen[m[1]], "id %q appears twice", m[1])
		seen[m[1]] = true
	}
}

// TestTeamFormAtField: with several teams and members on the page no id repeats; the calendar is
// a searchable picker; a refused team form comes back (422) with the reason at its field in that
// team's form and what was typed, the other team's form as stored, nothing saved.
func TestTeamFormAtField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "teamfield", "admin@teamfield.test")
	agent := app.Member(t, sc, "agent@teamfield.test", tenant.RoleAgent)
	c := app.SignIn(t, "admin@teamfield.test")
	email, err := app.Automation.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Email desk", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	amazon, err := app.Automation.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Amazon desk", Tier: "2", Assignment: "manual"})
	require.NoError(t, err)
	for _, tm := range []uuid.UUID{email, amazon} {
		for _, u := range []uuid.UUID{agent.UserID, sc.UserID} {
			require.NoError(t, app.Automation.SetTeamMember(ctx, sc, tm, u, automation.MemberInput{Channels: []string{"email"}}))
		}
	}

	page := c.Get("/w/teamfield/settings/teams").Body
	requireUniqueIDs(t, page)
	require.Contains(t, page, `id="team-`+email.String()+`-calendar_id" name="calendar_id" data-picker`)

	res := c.PostForm("/w/teamfield/settings/teams/"+amazon.String(), url.Values{"name": {"Email desk"}, "tier": {"3"}, "assignment": {"least_loaded"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	requireUniqueIDs(t, res.Body)
	require.Contains(t, res.Body, `id="team-`+amazon.String()+`-name-error"`)
	require.NotContains(t, res.Body, `id="team-`+email.String()+`-name-error"`)
	require.Regexp(t, `id="team-`+amazon.String()+`-tier" name="tier"[^>]*><option value="1">[^<]*</option><option value="2">[^<]*</option><option value="3" selected>`, res.Body, "the typed tier kept")
	require.Regexp(t, `id="team-`+email.String()+`-tier" name="tier"[^>]*><option value="1" selected>`, res.Body, "the other team as stored")
	teams, err := app.Automation.Teams(ctx, sc)
	require.NoError(t, err)
	for _, tm := range teams {
		if tm.ID == amazon {
			require.Equal(t, "Amazon desk", tm.Name)
			require.EqualValues(t, 2, tm.Tier)
		}
	}
}
