package automation_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// TestTimeRule: "30 minutes since the last customer message" fires at its minute on a ticket
// still waiting, once, with its audit line and a notification; a ticket answered in time is left
// alone; manual assignment respects channel access too.
func TestTimeRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	app.Connect("ebay")
	sc := app.Workspace(t, "timerule", "admin@timerule.test")
	agent := app.Member(t, sc, "agent@timerule.test", tenant.RoleAgent)
	_, err := app.Automation.SaveRule(ctx, sc, uuid.Nil, automation.RuleInput{Name: "Waiting half an hour", Trigger: rule.TriggerSinceCustomer,
		Minutes: "30", Match: "all", Enabled: true, Conditions: []rule.Condition{{Field: "channel", Op: "is", Value: "ebay"}},
		Actions: []rule.Action{{Type: "add_tag", Value: "waiting"}, {Type: "notify", Value: "admins"}}})
	require.NoError(t, err)

	mk := func(subject string) conversation.Ticket {
		tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "ebay", Subject: subject,
			Customer: conversation.CustomerRef{Email: subject + "@buyer.test"}, Message: conversation.Inbound{Text: "Hello?", At: clock.Now()}})
		require.NoError(t, err)
		return tk
	}
	waiting, answered := mk("waiting"), mk("answered")
	seen := answered.LastMessageAt
	_, err = app.Conversations.Reply(ctx, sc, answered.Number, conversation.ReplyInput{Body: "Hi!", SeenLastMessageAt: &seen})
	require.NoError(t, err)

	tags := func(n int64) []string {
		tk, err := app.Conversations.Ticket(ctx, sc, n)
		require.NoError(t, err)
		return tk.Tags
	}
	clock.Advance(29 * time.Minute)
	time.Sleep(6 * time.Second) // a River scheduler pass
	require.Empty(t, tags(waiting.Number), "not before its minute")

	clock.Advance(2 * time.Minute)
	require.Eventually(t, func() bool { return len(tags(waiting.Number)) == 1 }, 20*time.Second, 100*time.Millisecond)
	require.Equal(t, []string{"waiting"}, tags(waiting.Number))
	notes, err := app.Conversations.Notifications(ctx, sc)
	require.NoError(t, err)
	require.Len(t, notes, 1, "the admins are notified")
	require.Equal(t, "rule", notes[0].Kind)
	d, err := app.Conversations.Detail(ctx, sc, waiting.Number)
	require.NoError(t, err)
	fired := 0
	for _, e := range d.Events {
		if e.Kind == "rule_fired" {
			fired++
		}
	}
	require.Equal(t, 1, fired)
	require.Empty(t, tags(answered.Number), "answered in time: the timer does nothing")

	// Channel access: an agent limited to Amazon cannot be given an eBay ticket, by hand or by routing.
	team, err := app.Automation.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Support", Tier: "1", Assignment: "round_robin"})
	require.NoError(t, err)
	require.NoError(t, app.Automation.SetTeamMember(ctx, sc, team, agent.UserID, automation.MemberInput{Channels: []string{"amazon"}}))
	require.Error(t, app.Conversations.Assign(ctx, sc, waiting.Number, agent.UserID))
}

// TestRulesDoNotLoop: a rule that reacts to a status change by changing the status again fires
// once per change made by a person, never on its own change.
func TestRulesDoNotLoop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "loop", "admin@loop.test")
	_, err := app.Automation.SaveRule(ctx, sc, uuid.Nil, automation.RuleInput{Name: "Never resolve VIPs", Trigger: rule.TriggerStatusChanged,
		Match: "all", Enabled: true, Conditions: []rule.Condition{{Field: "status", Op: "is", Value: "resolved"}},
		Actions: []rule.Action{{Type: "set_status", Value: "open"}, {Type: "add_tag", Value: "reopened"}}})
	require.NoError(t, err)
	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Hello",
		Customer: conversation.CustomerRef{Email: "vip@buyer.test"}, Message: conversation.Inbound{Text: "Hi"}})
	require.NoError(t, err)
	require.NoError(t, app.Conversations.SetStatus(ctx, sc, tk.Number, "resolved", nil))
	after, err := app.Conversations.Ticket(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "open", after.Status)
	require.Equal(t, []string{"reopened"}, after.Tags)
	d, err := app.Conversations.Detail(ctx, sc, tk.Number)
	require.NoError(t, err)
	fired := 0
	for _, e := range d.Events {
		if e.Kind == "rule_fired" {
			fired++
		}
	}
	require.Equal(t, 1, fired, "the rule's own status change does not trigger it again")
}

// TestHoursOpenRule: a message written while closed is handled by the "business hours open" rule
// at the opening minute; one written while open is not.
func TestHoursOpenRule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	sc := app.Workspace(t, "opens", "admin@opens.test")
	cals, err := app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	// Open around the clock except a closure from an hour ago to an hour from now.
	loc, err := time.LoadLocation(cals[0].TimeZone)
	require.NoError(t, err)
	now := clock.Now().In(loc)
	in := automation.CalendarInput{Name: "Hours", TimeZone: cals[0].TimeZone,
		Closures: now.Add(-time.Hour).Format("2006-01-02 15:04") + " - " + now.Add(time.Hour).Format("2006-01-02 15:04") + " Stocktaking"}
	for i := range in.Week {
		in.Week[i] = []automation.IntervalInput{{Start: "00:00", End: "00:00"}}
	}
	_, err = app.Automation.SaveCalendar(ctx, sc, cals[0].ID, in)
	require.NoError(t, err)
	_, err = app.Automation.SaveRule(ctx, sc, uuid.Nil, automation.RuleInput{Name: "Morning pile", Trigger: rule.TriggerHoursOpen,
		Match: "all", Enabled: true, Actions: []rule.Action{{Type: "add_tag", Value: "after-hours"}}})
	require.NoError(t, err)

	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Subject: "Night question",
		Customer: conversation.CustomerRef{Email: "night@buyer.test"}, Message: conversation.Inbound{Text: "Hello?", At: clock.Now()}})
	require.NoError(t, err)
	tags := func(n int64) []string {
		tk, err := app.Conversations.Ticket(ctx, sc, n)
		require.NoError(t, err)
		return tk.Tags
	}
	time.Sleep(6 * time.Second)
	require.Empty(t, tags(tk.Number), "still closed")
	clock.Advance(time.Hour + 2*time.Minute)
	require.Eventually(t, func() bool { return len(tags(tk.Number)) == 1 }, 20*time.Second, 100*time.Millisecond)
	require.Equal(t, []string{"after-hours"}, tags(tk.Number))

	// Written while open: no timer.
	day, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Subject: "Day question",
		Customer: conversation.CustomerRef{Email: "day@buyer.test"}, Message: conversation.Inbound{Text: "Hello?", At: clock.Now()}})
	require.NoError(t, err)
	var n int
	require.NoError(t, app.DB.App.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'rule.timer' AND (args->>'ticket_id')::bigint = $1", day.ID).Scan(&n))
	require.Zero(t, n)
}
