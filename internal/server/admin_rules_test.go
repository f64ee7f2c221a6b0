package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
)

// TestRuleRows: a rule form posts any number of condition rows, numbered with gaps as rows were
// added and removed in the browser; they are saved in page order, a bad row is reported on its own
// line, Add/Remove without JavaScript post the form back with nothing saved, and the unsaved form
// can be tried on recent tickets.
// TestHoursKeepCountryOnError: a business-hours form refused for another field comes back with the
// country to import still chosen (and the holidays typed), so nothing entered is lost.
func TestHoursKeepCountryOnError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "hourskeep", "admin@hourskeep.test")
	c := app.SignIn(t, "admin@hourskeep.test")
	cals, err := app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	require.NotEmpty(t, cals)
	res := c.PostForm("/w/hourskeep/settings/hours/"+cals[0].ID.String(), url.Values{"name": {"Office"}, "time_zone": {"Not/AZone"},
		"day_0_start_0": {"09:00"}, "day_0_end_0": {"17:00"}, "hol_date_0": {"2026-12-24"}, "hol_name_0": {"Company day"}, "add_country": {"KR"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `<option value="KR" selected>`)
	require.Contains(t, res.Body, `name="hol_name_0" value="Company day"`)
	require.Contains(t, res.Body, `name="add_country" data-picker`)
}

func TestRuleRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "rows", "admin@rows.test")
	c := app.SignIn(t, "admin@rows.test")

	// The new-rule form starts with one condition and one action row.
	page := c.Get("/w/rows/settings/rules/new").Body
	require.Equal(t, 1, strings.Count(page, `name="cond_field_0"`))
	require.NotContains(t, page, `name="cond_field_1"`)
	require.Contains(t, page, `data-testid="add-condition"`)

	form := url.Values{"name": {"Eight conditions"}, "trigger": {"message_received"}, "match": {"any"},
		"act_type_3": {"add_tag"}, "act_value_3": {"many"}}
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}
	for i, w := range words {
		n := []string{"0", "2", "3", "7", "9", "10", "11", "25"}[i]
		form.Set("cond_field_"+n, "subject")
		form.Set("cond_op_"+n, "contains")
		form.Set("cond_value_"+n, w)
	}
	res := c.PostForm("/w/rows/settings/rules", form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	rules, err := app.Automation.Rules(ctx, sc)
	require.NoError(t, err)
	var saved rule.Rule
	for _, ru := range rules {
		if ru.Name == "Eight conditions" {
			saved = ru
		}
	}
	require.Len(t, saved.Conditions.Conditions, 8)
	for i, w := range words {
		require.Equal(t, w, saved.Conditions.Conditions[i].Value, "page order kept")
	}
	edit := c.Get(res.Header.Get("Location")).Body
	require.Contains(t, edit, `name="cond_value_7" value="hotel"`, "the form shows every row again, renumbered")
	require.NotContains(t, edit, `name="cond_field_8"`)

	// A broken regex on the third row: the message sits on that row.
	bad := url.Values{"name": {"Bad"}, "trigger": {"message_received"}, "match": {"all"}, "act_type_0": {"add_tag"}, "act_value_0": {"x"},
		"cond_field_0": {"subject"}, "cond_op_0": {"contains"}, "cond_value_0": {"a"},
		"cond_field_4": {"subject"}, "cond_op_4": {"contains"}, "cond_value_4": {"b"},
		"cond_field_5": {"body"}, "cond_op_5": {"regex"}, "cond_value_5": {"(unclosed"}}
	res = c.PostForm("/w/rows/settings/rules", bad)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `id="cond_value_2-error"`)
	require.NotContains(t, res.Body, `id="cond_value_0-error"`)

	// Without JavaScript: Add posts the form back with one more row, Remove with one fewer.
	bad.Set("add", "cond_")
	res = c.PostForm("/w/rows/settings/rules", bad)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Body, `name="cond_field_3"`)
	bad.Del("add")
	bad.Set("remove", "cond_4")
	res = c.PostForm("/w/rows/settings/rules", bad)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, res.Body, `value="b"`)
	require.NotContains(t, res.Body, `name="cond_field_2"`)
	rules, err = app.Automation.Rules(ctx, sc)
	require.NoError(t, err)
	require.Len(t, rules, 3, "nothing saved by Add or Remove")

	// Try the unsaved form on recent tickets.
	for _, s := range []string{"Invoice please", "Where is my parcel"} {
		_, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: s,
			Customer: conversation.CustomerRef{Email: "b@rows.test"}, Message: conversation.Inbound{Text: "Hello"}})
		require.NoError(t, err)
	}
	try := url.Values{"trigger": {"message_received"}, "match": {"all"},
		"cond_field_0": {"subject"}, "cond_op_0": {"contains"}, "cond_value_0": {"invoice"}}
	res = c.PostForm("/w/rows/settings/rules/try", try)
	require.Equal(t, http.StatusOK, res.StatusCode, res.Body)
	require.Contains(t, res.Body, `data-testid="try-results"`)
	require.Contains(t, res.Body, "Would fire on 1 of 2 tickets")
	require.Contains(t, res.Body, `value="invoice"`, "the form is kept")
	rules, err = app.Automation.Rules(ctx, sc)
	require.NoError(t, err)
	require.Len(t, rules, 3, "trying saves nothing")
	// A bad regex in the tried form is shown at its row.
	try.Set("cond_op_0", "regex")
	try.Set("cond_value_0", "(")
	res = c.PostForm("/w/rows/settings/rules/try", try)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `id="cond_value_0-error"`)
}
