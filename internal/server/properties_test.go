package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// htmxPost posts a form as htmx does (HX-Request), from the same origin.
func htmxPost(c *apptest.Client, base, path string, form url.Values) *apptest.Response {
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	return c.Do(req)
}

// The ticket's properties answer htmx with the field and the page parts it moved, and plain
// posts with the redirect as before. A refused change is a 422 with the reason at the field
// (aria-invalid, aria-describedby), the control showing the stored value, and a link only to a
// page the reader may open. A status change offers its undo, which answers with the status back.
func TestTicketPropertiesAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	admin := app.Workspace(t, "propui", "admin@propui.test")
	agent := app.Member(t, admin, "agent@propui.test", tenant.RoleAgent)
	amazon := app.Member(t, admin, "amazon@propui.test", tenant.RoleAgent)
	team, err := app.Automation.SaveTeam(ctx, admin, uuid.Nil, automation.TeamInput{Name: "Marketplaces", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	require.NoError(t, app.Automation.SetTeamMember(ctx, admin, team, amazon.UserID, automation.MemberInput{Capacity: map[string]int{"*": 8}, Channels: []string{"amazon"}}))
	other := app.Workspace(t, "propother", "admin@propother.test")
	otherTeam, err := app.Automation.SaveTeam(ctx, other, uuid.Nil, automation.TeamInput{Name: "Elsewhere", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Name: "Ana", Email: "ana@example.com"}, Message: conversation.Inbound{Text: "Hello?"}})
	require.NoError(t, err)
	path := fmt.Sprintf("/w/propui/t/%d", tk.Number)
	ca, cg := app.SignIn(t, "admin@propui.test"), app.SignIn(t, "agent@propui.test")
	selected := func(body, id string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<select id="` + id + `".*?</select>`).FindString(body)
		require.NotEmpty(t, m, "the %s control is in the answer", id)
		opt := regexp.MustCompile(`<option value="([^"]*)" selected`).FindStringSubmatch(m)
		if opt == nil {
			return ""
		}
		return opt[1]
	}

	t.Run("RefusedAssigneeAtTheField", func(t *testing.T) {
		for _, c := range []struct {
			client *apptest.Client
			link   bool
		}{{cg, false}, {ca, true}} {
			res := htmxPost(c.client, app.URL, path+"/assign", url.Values{"assignee": {amazon.UserID.String()}})
			require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
			require.Contains(t, res.Body, "This person does not work this ticket&#39;s channel.")
			require.Contains(t, res.Body, `aria-invalid="true"`)
			require.Contains(t, res.Body, `aria-describedby="assignee-error"`)
			require.Contains(t, res.Body, `id="assignee-error"`)
			require.Equal(t, "", selected(res.Body, "assignee"), "the stored assignee (nobody) is shown again")
			require.Equal(t, c.link, strings.Contains(res.Body, `/settings/teams"`), "only an admin is pointed at Settings → Teams")
			require.NotContains(t, res.Body, `id="thread"`, "nothing moved")
		}
		for _, v := range []string{uuid.NewString(), "not-an-id", other.UserID.String()} {
			res := htmxPost(cg, app.URL, path+"/assign", url.Values{"assignee": {v}})
			require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, v)
			require.Contains(t, res.Body, "Choose someone from this workspace.", v)
		}
		got, err := app.Conversations.Ticket(ctx, admin, tk.Number)
		require.NoError(t, err)
		require.False(t, got.AssigneeID.Valid)
	})

	t.Run("RefusedValues", func(t *testing.T) {
		res := htmxPost(cg, app.URL, path+"/priority", url.Values{"priority": {"9"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
		require.Contains(t, res.Body, "Choose urgent, high, normal or low.")
		require.Equal(t, "2", selected(res.Body, "priority"))
		res = htmxPost(cg, app.URL, path+"/team", url.Values{"team": {otherTeam.String()}})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
		require.Contains(t, res.Body, "Choose one of this workspace&#39;s teams.")
		res = htmxPost(cg, app.URL, path+"/status", url.Values{"status": {"snoozed"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
		require.Contains(t, res.Body, "Pick a time in the future to snooze until.")
		require.Equal(t, "open", selected(res.Body, "status"))
	})

	t.Run("SavedWithTheTimelineAndSLA", func(t *testing.T) {
		res := htmxPost(cg, app.URL, path+"/priority", url.Values{"priority": {"0"}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, res.Body, "Saved")
		require.Equal(t, "0", selected(res.Body, "priority"))
		require.Contains(t, res.Body, `<div id="thread" hx-swap-oob="innerHTML">`)
		require.Contains(t, res.Body, "Priority changed: Normal → Urgent")
		require.Contains(t, res.Body, `id="ticket-sla" hx-swap-oob="true"`)
		require.Contains(t, res.Body, `id="ticket-meta" hx-swap-oob="true"`)

		res = htmxPost(cg, app.URL, path+"/team", url.Values{"team": {team.String()}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, res.Body, "Team changed: No team → Marketplaces")
		require.Equal(t, team.String(), selected(res.Body, "team"))

		// Without htmx: the redirect, as before.
		res = cg.PostForm(path+"/tags", url.Values{"tags": {"vip, refund"}})
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		got, err := app.Conversations.Ticket(ctx, admin, tk.Number)
		require.NoError(t, err)
		require.Equal(t, []string{"refund", "vip"}, got.Tags)

		frag := cg.Get(path + "/properties")
		require.Equal(t, http.StatusOK, frag.StatusCode)
		require.Contains(t, frag.Body, `id="ticket-props"`)
		require.Equal(t, team.String(), selected(frag.Body, "team"))
	})

	t.Run("Snooze", func(t *testing.T) {
		until := time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02T15:04")
		res := htmxPost(cg, app.URL, path+"/status", url.Values{"status": {"snoozed"}, "snooze_until": {until}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.True(t, strings.HasPrefix(strings.TrimSpace(res.Body), `<form method="post" action="`+path+`/status" class="side-form prop-form" id="prop-snooze"`), "the snooze control is the main swap")
		require.Contains(t, res.Body, `value="`+until+`"`)
		require.Contains(t, res.Body, `id="prop-status" data-prop-form="status" hx-swap-oob="true"`, "the status control follows")
		require.Equal(t, "snoozed", selected(res.Body, "status"))
		require.Contains(t, res.Body, "Undo (back to Open)")
		res = htmxPost(cg, app.URL, path+"/status", url.Values{"status": {"open"}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, res.Body, "Undo (back to Snoozed)")
	})

	t.Run("StatusUndo", func(t *testing.T) {
		res := htmxPost(cg, app.URL, path+"/status", url.Values{"status": {"pending"}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, res.Body, "Undo (back to Open)")
		undo := regexp.MustCompile(`name="undo" value="(\d+)"`).FindStringSubmatch(res.Body)
		require.NotNil(t, undo)
		// Not the admin's to undo.
		res = htmxPost(ca, app.URL, path+"/status/undo", url.Values{"undo": {undo[1]}})
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
		require.Contains(t, res.Body, "This change can no longer be undone.")
		res = htmxPost(cg, app.URL, path+"/status/undo", url.Values{"undo": {undo[1]}})
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, res.Body, "Status restored")
		require.Equal(t, "open", selected(res.Body, "status"))
		require.Contains(t, res.Body, "Status change undone: Pending → Open")
		got, err := app.Conversations.Ticket(ctx, agent, tk.Number)
		require.NoError(t, err)
		require.Equal(t, "open", got.Status)
	})
}
