package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/sla"
)

// TestAutomationPages walks the rules, SLA, business-hours and teams pages as an admin: every page
// renders, bad input comes back with the field's message and nothing saved, good input is saved.
func TestAutomationPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "pages", "admin@pages.test")
	c := app.SignIn(t, "admin@pages.test")

	for _, p := range []string{"/settings/rules", "/settings/rules/new", "/settings/sla", "/settings/sla/new", "/settings/hours", "/settings/teams"} {
		res := c.Get("/w/pages" + p)
		require.Equal(t, http.StatusOK, res.StatusCode, p)
	}
	// The defaults of a new workspace are listed.
	require.Contains(t, c.Get("/w/pages/settings/rules").Body, "Pre-sale questions first")
	slaPage := c.Get("/w/pages/settings/sla").Body
	require.Contains(t, slaPage, "Amazon")
	require.Contains(t, slaPage, "weekends and holidays included", "the marketplace's deadline beside the target")
	require.Contains(t, slaPage, `data-testid="add-preset-bol"`)

	// A rule with a broken regex and no action: field messages, nothing saved.
	res := c.PostForm("/w/pages/settings/rules", url.Values{"name": {"Bad"}, "trigger": {"message_received"}, "match": {"all"},
		"cond_field_0": {"body"}, "cond_op_0": {"regex"}, "cond_value_0": {"(unclosed"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "not a valid regular expression")
	require.Contains(t, res.Body, "at least one action")
	require.Contains(t, res.Body, `value="(unclosed"`, "the form keeps what was typed")
	rules, err := app.Automation.Rules(ctx, sc)
	require.NoError(t, err)
	require.Len(t, rules, 2)

	// A good rule, then its dry run against a ticket.
	res = c.PostForm("/w/pages/settings/rules", url.Values{"name": {"VIP"}, "trigger": {"message_received"}, "match": {"all"},
		"cond_field_0": {"subject"}, "cond_op_0": {"contains"}, "cond_value_0": {"invoice"},
		"act_type_0": {"add_tag"}, "act_value_0": {"billing"}, "act_type_1": {"apply_sla"}, "act_value_1": {"Amazon"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	loc := res.Header.Get("Location")
	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Where is my invoice",
		Customer: conversation.CustomerRef{Email: "b@example.test"}, Message: conversation.Inbound{Text: "Please send it"}})
	require.NoError(t, err)
	dry := c.Get(loc + "?ticket=" + strconvI(tk.Number)).Body
	require.Contains(t, dry, `data-testid="dry-run-matched"`)
	require.Contains(t, dry, "Apply SLA policy Amazon", "ids are shown by name")
	require.Contains(t, c.Get(loc+"?ticket=99999").Body, "No ticket has this number")

	// Business hours: a bad interval is refused; two intervals, a night shift and Korea's holidays are saved.
	hours := c.Get("/w/pages/settings/hours").Body
	require.Contains(t, hours, `name="day_0_start_0" value="09:00"`)
	cals, err := app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	form := url.Values{"name": {"Business hours"}, "time_zone": {"Asia/Seoul"}, "day_0_start_0": {"9 am"}, "day_0_end_0": {"17:00"}}
	res = c.PostForm("/w/pages/settings/hours/"+cals[0].ID.String(), form)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "Enter both times, opening and closing, like 09:00.")
	form = url.Values{"name": {"Business hours"}, "time_zone": {"Asia/Seoul"}, "day_0_start_0": {"09:00"}, "day_0_end_0": {"12:00"},
		"day_0_start_1": {"13:00"}, "day_0_end_1": {"17:00"}, "day_5_start_0": {"22:00"}, "day_5_end_0": {"06:00"}, "day_5_next_0": {"1"},
		"hol_date_0": {"2026-12-24"}, "hol_name_0": {"Company day"}, "add_country": {"KR"}, "closures": {"2026-12-31 14:00 - 2027-01-02 09:00 Inventory"}}
	res = c.PostForm("/w/pages/settings/hours/"+cals[0].ID.String(), form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	cals, err = app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	require.Equal(t, "Asia/Seoul", cals[0].TimeZone)
	require.Equal(t, []sla.Span{{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17 * 60}}, cals[0].Data.Week[0])
	require.Equal(t, 22*60, cals[0].Data.Week[5][0].Start)
	require.Equal(t, 30*60, cals[0].Data.Week[5][0].End, "an overnight shift ends the next morning")
	var dates []string
	for _, h := range cals[0].Data.Holidays {
		dates = append(dates, h.Date)
	}
	require.Subset(t, dates, []string{"2026-12-24", "2026-02-16", "2026-02-17", "2026-02-18", "2026-09-25"})
	require.Len(t, cals[0].Data.Closures, 1)
	page := c.Get("/w/pages/settings/hours").Body
	require.Contains(t, page, "2026-12-31 14:00 - 2027-01-02 09:00 Inventory", "closures read back in the calendar's zone")
	require.Contains(t, page, `name="day_5_next_0" value="1" checked`, "the night shift reads back as ending the next day")

	// SLA: a bad target is refused, a good policy saved.
	res = c.PostForm("/w/pages/settings/sla", url.Values{"name": {"VIP"}, "first": {"soon"}, "first_clock": {"calendar"}, "next_clock": {"calendar"},
		"resolution_clock": {"business"}, "warn_percent": {"80"}, "match": {"all"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "like 12h, 90m or 1h30m")
	res = c.PostForm("/w/pages/settings/sla", url.Values{"name": {"VIP"}, "first": {"1h30m"}, "resolution": {"24h"}, "first_clock": {"calendar"},
		"next_clock": {"calendar"}, "resolution_clock": {"business"}, "warn_percent": {"75"}, "match": {"all"}, "enabled": {"1"},
		"cond_field_0": {"customer_tag"}, "cond_op_0": {"has"}, "cond_value_0": {"vip"}, "breach_type_0": {"escalate"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	require.Contains(t, c.Get(res.Header.Get("Location")).Body, `value="1h30m"`)
	res = c.PostForm("/w/pages/settings/sla/presets/bol", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	sla := c.Get("/w/pages/settings/sla").Body
	require.Contains(t, sla, "bol.com")
	// TikTok Shop and Etsy cannot be connected yet: no preset offers them.
	require.NotContains(t, sla, "TikTok")
	require.NotContains(t, sla, "Etsy")
	require.Equal(t, http.StatusNotFound, c.PostForm("/w/pages/settings/sla/presets/tiktok", nil).StatusCode)

	// Teams: a team, a member with capacity.
	res = c.PostForm("/w/pages/settings/teams", url.Values{"name": {"Tier 1"}, "tier": {"1"}, "assignment": {"round_robin"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	teams, err := app.Automation.Teams(ctx, sc)
	require.NoError(t, err)
	res = c.PostForm("/w/pages/settings/teams/"+teams[0].ID.String()+"/members", url.Values{"user_id": {sc.UserID.String()},
		"availability": {"online"}, "capacity": {"email: 3, *: 5"}, "languages": {"en, ko"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	teamsPage := c.Get("/w/pages/settings/teams").Body
	require.True(t, strings.Contains(teamsPage, "Email: 3, other channels: 5"), "capacity shown")

	// A person sets themselves away from the user menu.
	require.Contains(t, c.Get("/w/pages/inbox").Body, "Online here")
	res = c.PostForm("/w/pages/availability", url.Values{"availability": {"away"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Contains(t, c.Get("/w/pages/inbox").Body, "Away here")
	require.Contains(t, c.Get("/w/pages/settings/teams").Body, "Away")

	// And leaves the team.
	res = c.PostForm("/w/pages/settings/teams/"+teams[0].ID.String()+"/members/"+sc.UserID.String()+"/remove", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	teams, err = app.Automation.Teams(ctx, sc)
	require.NoError(t, err)
	require.Empty(t, teams[0].Members)
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }
