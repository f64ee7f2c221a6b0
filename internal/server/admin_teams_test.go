package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// TestTeamMemberForm: the member form edits one team only, offers pickers for channels, languages
// and marketplaces, and a refused form comes back with the reason at its field and what was chosen.
func TestTeamMemberForm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "teamform", "admin@teamform.test")
	agent := app.Member(t, sc, "agent@teamform.test", tenant.RoleAgent)
	c := app.SignIn(t, "admin@teamform.test")

	email, err := app.Automation.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Email desk", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	amazon, err := app.Automation.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Amazon desk", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	require.NoError(t, app.Automation.SetTeamMember(ctx, sc, email, agent.UserID, automation.MemberInput{Channels: []string{"email"}}))

	page := c.Get("/w/teamform/settings/teams")
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, `name="channels" data-picker multiple`)
	require.Contains(t, page.Body, `name="languages" data-picker multiple`)
	require.Contains(t, page.Body, `name="user_id" data-picker`)

	// Adding them to the Amazon desk with Amazon and eBay leaves the Email desk as it was.
	res := c.PostForm("/w/teamform/settings/teams/"+amazon.String()+"/members", url.Values{"user_id": {agent.UserID.String()},
		"capacity": {"amazon: 4"}, "channels": {"amazon", "ebay"}, "languages": {"de", "en"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	teams, err := app.Automation.Teams(ctx, sc)
	require.NoError(t, err)
	got := map[string][]string{}
	for _, tm := range teams {
		for _, m := range tm.Members {
			got[tm.Name] = m.Channels
		}
	}
	require.Equal(t, map[string][]string{"Email desk": {"email"}, "Amazon desk": {"amazon", "ebay"}}, got)

	// A bad capacity: 422, the message at the capacity field of that member's form, choices kept.
	res = c.PostForm("/w/teamform/settings/teams/"+amazon.String()+"/members", url.Values{"user_id": {agent.UserID.String()},
		"capacity": {"lots"}, "channels": {"walmart"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	key := amazon.String() + "/" + agent.UserID.String()
	require.Contains(t, res.Body, `id="capacity-`+key+`-error"`)
	require.Contains(t, res.Body, "Write capacity like")
	require.Contains(t, res.Body, `value="lots"`)
	require.Contains(t, res.Body, `<option value="walmart" selected>`)
	// An unknown channel is refused at the channels picker.
	res = c.PostForm("/w/teamform/settings/teams/"+email.String()+"/members", url.Values{"user_id": {agent.UserID.String()},
		"channels": {"fax"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `id="channels-`+email.String()+"/"+agent.UserID.String()+`-error"`)
	// No person chosen in the add form: the message sits at the person picker.
	res = c.PostForm("/w/teamform/settings/teams/"+email.String()+"/members", url.Values{"user_id": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `id="user-`+email.String()+`/new-error"`)
}
