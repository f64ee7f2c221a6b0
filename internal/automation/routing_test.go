package automation_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// TestRoutingCapacity: two agents at capacity 2, five new tickets for their team: four are
// assigned evenly and one waits; resolving a ticket hands the waiting one out.
func TestRoutingCapacity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)

	for _, mode := range []string{"round_robin", "least_loaded"} {
		t.Run(mode, func(t *testing.T) {
			admin := app.Workspace(t, "route-"+mode[:5], "admin@route-"+mode[:5]+".test")
			a := app.Member(t, admin, "a@route-"+mode[:5]+".test", tenant.RoleAgent)
			b := app.Member(t, admin, "b@route-"+mode[:5]+".test", tenant.RoleAgent)
			c := app.Member(t, admin, "c@route-"+mode[:5]+".test", tenant.RoleAgent)

			team, err := app.Automation.SaveTeam(ctx, admin, uuid.Nil, automation.TeamInput{Name: "Support", Tier: "1", Assignment: mode})
			require.NoError(t, err)
			for _, m := range []tenant.Scope{a, b} {
				require.NoError(t, app.Automation.SetTeamMember(ctx, admin, team, m.UserID, automation.MemberInput{Capacity: map[string]int{"email": 2}}))
			}
			// c is in the team but away: never assigned.
			require.NoError(t, app.Automation.SetTeamMember(ctx, admin, team, c.UserID, automation.MemberInput{Capacity: map[string]int{"email": 2}}))
			require.NoError(t, app.Automation.SetAvailability(ctx, admin, c.UserID, "away"))
			_, err = app.Automation.SaveRule(ctx, admin, uuid.Nil, automation.RuleInput{Name: "Email to Support", Trigger: rule.TriggerCreated, Match: "all",
				Conditions: []rule.Condition{{Field: "channel", Op: "is", Value: "email"}}, Actions: []rule.Action{{Type: "assign_team", Value: "Support"}}, Enabled: true})
			require.NoError(t, err)

			var numbers []int64
			for i := range 5 {
				tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: fmt.Sprintf("Question %d", i),
					Customer: conversation.CustomerRef{Email: fmt.Sprintf("buyer%d@example.test", i)}, Message: conversation.Inbound{Text: "Hello"}})
				require.NoError(t, err)
				numbers = append(numbers, tk.Number)
			}
			load := map[uuid.UUID]int{}
			var waiting []int64
			for _, n := range numbers {
				tk, err := app.Conversations.Ticket(ctx, admin, n)
				require.NoError(t, err)
				require.True(t, tk.TeamID.Valid)
				if tk.AssigneeID.Valid {
					load[tk.AssigneeID.UUID]++
				} else {
					waiting = append(waiting, n)
				}
			}
			require.Equal(t, map[uuid.UUID]int{a.UserID: 2, b.UserID: 2}, load, "four assigned evenly, none to the away agent")
			require.Equal(t, []int64{numbers[4]}, waiting, "the newest waits in the team queue")

			// b resolves one: the waiting ticket goes to b.
			var bTicket int64
			for _, n := range numbers[:4] {
				tk, _ := app.Conversations.Ticket(ctx, admin, n)
				if tk.AssigneeID.UUID == b.UserID {
					bTicket = n
					break
				}
			}
			require.NoError(t, app.Conversations.SetStatus(ctx, b, bTicket, "resolved", nil))
			tk, err := app.Conversations.Ticket(ctx, admin, numbers[4])
			require.NoError(t, err)
			require.Equal(t, b.UserID, tk.AssigneeID.UUID, "assigned as soon as someone frees up")
		})
	}
}
