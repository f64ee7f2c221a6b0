package automation_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// TestTeamMemberSettingsArePerTeam: a person's channels, skills and capacity belong to their place
// in one team. Editing them in the Amazon team leaves the Email team as it was, and routing and
// manual assignment still follow each team's own channel list.
func TestTeamMemberSettingsArePerTeam(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)

	type bundle struct {
		admin, both, amazonOnly, loose tenant.Scope
		emailTeam, amazonTeam          uuid.UUID
	}
	setup := func(t *testing.T, slug string) bundle {
		t.Helper()
		var b bundle
		b.admin = app.Workspace(t, slug, "admin@"+slug+".test")
		b.both = app.Member(t, b.admin, "both@"+slug+".test", tenant.RoleAgent)
		b.amazonOnly = app.Member(t, b.admin, "amazon@"+slug+".test", tenant.RoleAgent)
		b.loose = app.Member(t, b.admin, "loose@"+slug+".test", tenant.RoleAgent)
		var err error
		b.emailTeam, err = app.Automation.SaveTeam(ctx, b.admin, uuid.Nil, automation.TeamInput{Name: "Email desk", Tier: "1", Assignment: "round_robin"})
		require.NoError(t, err)
		b.amazonTeam, err = app.Automation.SaveTeam(ctx, b.admin, uuid.Nil, automation.TeamInput{Name: "Amazon desk", Tier: "1", Assignment: "manual"})
		require.NoError(t, err)
		require.NoError(t, app.Automation.SetTeamMember(ctx, b.admin, b.emailTeam, b.both.UserID, automation.MemberInput{
			Capacity: map[string]int{"email": 3}, Languages: []string{"en"}, Channels: []string{"email"}}))
		require.NoError(t, app.Automation.SetTeamMember(ctx, b.admin, b.amazonTeam, b.both.UserID, automation.MemberInput{
			Capacity: map[string]int{"amazon": 5}, Channels: []string{"amazon"}}))
		require.NoError(t, app.Automation.SetTeamMember(ctx, b.admin, b.amazonTeam, b.amazonOnly.UserID, automation.MemberInput{
			Channels: []string{"amazon"}}))
		_, err = app.Automation.SaveRule(ctx, b.admin, uuid.Nil, automation.RuleInput{Name: "Email to the email desk", Trigger: rule.TriggerCreated, Match: "all",
			Conditions: []rule.Condition{{Field: "channel", Op: "is", Value: "email"}}, Actions: []rule.Action{{Type: "assign_team", Value: "Email desk"}}, Enabled: true})
		require.NoError(t, err)
		return b
	}
	member := func(t *testing.T, sc tenant.Scope, team, user uuid.UUID) dbsqlc.TeamMembersRow {
		t.Helper()
		teams, err := app.Automation.Teams(ctx, sc)
		require.NoError(t, err)
		for _, tm := range teams {
			if tm.ID != team {
				continue
			}
			for _, m := range tm.Members {
				if m.UserID == user {
					return m
				}
			}
		}
		t.Fatalf("no member %s in team %s", user, team)
		return dbsqlc.TeamMembersRow{}
	}

	t.Run("editing one team leaves the other as it was", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "perteam-edit")
		before := member(t, b.admin, b.emailTeam, b.both.UserID)

		require.NoError(t, app.Automation.SetTeamMember(ctx, b.admin, b.amazonTeam, b.both.UserID, automation.MemberInput{
			Capacity: map[string]int{"amazon": 1}, Languages: []string{"ko"}, Marketplaces: []string{"amazon.de"}, Channels: []string{"amazon", "ebay"}}))

		after := member(t, b.admin, b.emailTeam, b.both.UserID)
		require.Equal(t, []string{"email"}, after.Channels)
		require.Equal(t, []string{"en"}, after.Languages)
		require.Empty(t, after.Marketplaces)
		var capacity map[string]int
		require.NoError(t, json.Unmarshal(after.Capacity, &capacity))
		require.Equal(t, map[string]int{"email": 3}, capacity)
		require.Equal(t, before, after)

		edited := member(t, b.admin, b.amazonTeam, b.both.UserID)
		require.Equal(t, []string{"amazon", "ebay"}, edited.Channels)
		require.Equal(t, []string{"ko"}, edited.Languages)
	})

	t.Run("routing follows each team's channels", func(t *testing.T) {
		t.Parallel()
		b := setup(t, "perteam-route")
		// Limiting the person to Amazon in the Amazon team must not take them off email tickets.
		require.NoError(t, app.Automation.SetTeamMember(ctx, b.admin, b.amazonTeam, b.both.UserID, automation.MemberInput{Channels: []string{"amazon"}}))

		tk, err := app.Conversations.CreateInbound(ctx, b.admin, conversation.NewTicket{Channel: "email", Subject: "Where is my parcel?",
			Customer: conversation.CustomerRef{Email: "buyer@perteam.test"}, Message: conversation.Inbound{Text: "Hello"}})
		require.NoError(t, err)
		got, err := app.Conversations.Ticket(ctx, b.admin, tk.Number)
		require.NoError(t, err)
		require.Equal(t, uuid.NullUUID{UUID: b.emailTeam, Valid: true}, got.TeamID)
		require.Equal(t, b.both.UserID, got.AssigneeID.UUID, "the email desk's member keeps getting email tickets")

		// Now the email desk limits them to eBay: the next email ticket waits in the queue.
		require.NoError(t, app.Automation.SetTeamMember(ctx, b.admin, b.emailTeam, b.both.UserID, automation.MemberInput{Channels: []string{"ebay"}}))
		tk2, err := app.Conversations.CreateInbound(ctx, b.admin, conversation.NewTicket{Channel: "email", Subject: "Second question",
			Customer: conversation.CustomerRef{Email: "buyer2@perteam.test"}, Message: conversation.Inbound{Text: "Hello"}})
		require.NoError(t, err)
		got2, err := app.Conversations.Ticket(ctx, b.admin, tk2.Number)
		require.NoError(t, err)
		require.False(t, got2.AssigneeID.Valid, "no one in the email desk works email now")

		// Manual assignment: the team's own list decides for its tickets ...
		err = app.Conversations.Assign(ctx, b.admin, tk2.Number, b.both.UserID)
		require.ErrorAs(t, err, new(validate.Errors))
		require.Equal(t, "ticket.assignee_no_channel", err.(validate.Errors)["assignee"])
		// ... a person whose only team is limited to Amazon may not take an email ticket of another team ...
		err = app.Conversations.Assign(ctx, b.admin, tk2.Number, b.amazonOnly.UserID)
		require.ErrorAs(t, err, new(validate.Errors))
		// ... and a person in no team is not limited.
		require.NoError(t, app.Conversations.Assign(ctx, b.admin, tk2.Number, b.loose.UserID))
	})
}
