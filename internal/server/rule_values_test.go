package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Rule values come from known sets: each field and action with one is offered as a picker (the
// workspace's teams, people, channels, priorities…), saved rules re-open with their values chosen
// and the right control showing, text stays text, the unsaved form can be tried, and a browser
// without JavaScript that types the value still saves it.
func TestRuleValuePickers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup := func(t *testing.T) (*apptest.App, tenant.Scope, *apptest.Client, uuid.UUID) {
		app := apptest.Start(t)
		sc := app.Workspace(t, "picks", "admin@picks.test")
		app.Member(t, sc, "dana@picks.test", tenant.RoleAgent)
		team, err := app.Automation.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Returns desk", Tier: "1", Assignment: "manual"})
		require.NoError(t, err)
		return app, sc, app.SignIn(t, "admin@picks.test"), team
	}
	app, sc, c, team := setup(t)
	ruleNamed := func(name string) rule.Rule {
		rules, err := app.Automation.Rules(ctx, sc)
		require.NoError(t, err)
		for _, r := range rules {
			if r.Name == name {
				return r
			}
		}
		t.Fatalf("no rule %q", name)
		return rule.Rule{}
	}

	page := c.Get("/w/picks/settings/rules/new").Body
	require.Contains(t, page, `<select id="act_pick_0_assign_team" name="act_pick_0_assign_team" data-picker>`)
	require.Contains(t, page, `<option value="`+team.String()+`">Returns desk</option>`)
	require.Contains(t, page, `name="act_pick_0_assign_agent"`)
	require.Contains(t, page, "dana@picks.test")
	require.Contains(t, page, `<select id="cond_pick_0_channel" name="cond_pick_0_channel" data-picker>`)
	require.Contains(t, page, `<option value="amazon">Amazon</option>`)
	require.Contains(t, page, `name="cond_pick_0_priority"`)
	require.NotContains(t, page, `name="cond_pick_0_subject"`, "a subject is text")
	require.Contains(t, page, `<div class="value-control" data-value-key="">`, "a new row starts with the text field")
	require.Contains(t, page, `<div class="value-control" data-value-key="channel" hidden>`)
	require.Contains(t, page, `name="cond_pick___N___channel"`, "added rows get the pickers too")

	form := url.Values{"name": {"Amazon returns"}, "trigger": {"message_received"}, "match": {"all"},
		"cond_field_0": {"channel"}, "cond_op_0": {"is"}, "cond_value_0": {""}, "cond_pick_0_channel": {"amazon"}, "cond_pick_0_priority": {""},
		"cond_field_1": {"subject"}, "cond_op_1": {"contains"}, "cond_value_1": {"return"}, "cond_pick_1_channel": {""},
		"act_type_0": {"assign_team"}, "act_value_0": {""}, "act_pick_0_assign_team": {team.String()}, "act_pick_0_set_priority": {"low"},
		"act_type_1": {"set_priority"}, "act_value_1": {""}, "act_pick_1_set_priority": {"high"}}
	res := c.PostForm("/w/picks/settings/rules", form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	saved := ruleNamed("Amazon returns")
	var conds []string
	for _, c := range saved.Conditions.Conditions {
		conds = append(conds, c.Field+" "+c.Op+" "+c.Value)
	}
	require.Equal(t, []string{"channel is amazon", "subject contains return"}, conds)
	require.Equal(t, []rule.Action{{Type: "assign_team", Value: team.String()}, {Type: "set_priority", Value: "high"}}, saved.Actions)

	// Re-opened: each value chosen in its own picker, which is the one showing; text stays text.
	edit := c.Get(res.Header.Get("Location")).Body
	require.Contains(t, edit, `<option value="amazon" selected>Amazon</option>`)
	require.Contains(t, edit, `<option value="`+team.String()+`" selected>Returns desk</option>`)
	require.Contains(t, edit, `<div class="value-control" data-value-key="assign_team"><div class="field"><label for="act_pick_0_assign_team">`)
	require.Contains(t, edit, `<div class="value-control" data-value-key="set_priority"><div class="field"><label for="act_pick_1_set_priority">`)
	require.Contains(t, edit, `name="cond_value_1" value="return"`)
	cond1 := edit[strings.Index(edit, `data-testid="cond-1"`):]
	cond1 = cond1[:strings.Index(cond1, "</li>")]
	require.Contains(t, cond1, `<div class="value-control" data-value-key="">`, "contains is text")
	require.Contains(t, cond1, `<div class="value-control" data-value-key="channel" hidden>`)
	require.Contains(t, c.Get("/w/picks/settings/rules").Body, "Returns desk", "the list names the team")

	// The unsaved form is tried with its picked values.
	_, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Broken lamp",
		Customer: conversation.CustomerRef{Email: "b@picks.test"}, Message: conversation.Inbound{Text: "Hello"}})
	require.NoError(t, err)
	try := url.Values{"trigger": {"message_received"}, "match": {"all"},
		"cond_field_0": {"channel"}, "cond_op_0": {"is"}, "cond_value_0": {""}, "cond_pick_0_channel": {"email"},
		"act_type_0": {"assign_team"}, "act_pick_0_assign_team": {team.String()}}
	res = c.PostForm("/w/picks/settings/rules/try", try)
	require.Equal(t, http.StatusOK, res.StatusCode, res.Body)
	require.Contains(t, res.Body, "Would fire on 1 of 1 tickets")
	require.Contains(t, res.Body, "Returns desk")
	try.Set("cond_pick_0_channel", "ebay")
	require.Contains(t, c.PostForm("/w/picks/settings/rules/try", try).Body, "Would fire on 0 of 1 tickets")

	// Without JavaScript a new row shows the text field: a typed name still saves the team.
	res = c.PostForm("/w/picks/settings/rules", url.Values{"name": {"Typed"}, "trigger": {"message_received"}, "match": {"all"},
		"act_type_0": {"assign_team"}, "act_value_0": {"Returns desk"}, "act_pick_0_assign_team": {""}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	require.Equal(t, []rule.Action{{Type: "assign_team", Value: team.String()}}, ruleNamed("Typed").Actions)

	// A refused value is reported at the picker that shows.
	res = c.PostForm("/w/picks/settings/rules", url.Values{"name": {"Bad"}, "trigger": {"message_received"}, "match": {"all"},
		"act_type_0": {"assign_team"}, "act_pick_0_assign_team": {uuid.NewString()}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `id="act_pick_0_assign_team-error"`)
}
