package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/sla"
)

// TestHoursFormRows: the business-hours form posts each day's intervals and the holidays as rows.
// A bad row comes back (422) with its message on it and everything as typed; a chosen country's
// holidays are in the list of the refused form, the country still chosen, and are saved once
// when the form is fixed; an imported row removed before saving stays removed; past holidays
// fold away.
func TestHoursFormRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "hoursrows", "admin@hoursrows.test")
	c := app.SignIn(t, "admin@hoursrows.test")
	cals, err := app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	path := "/w/hoursrows/settings/hours/" + cals[0].ID.String()
	loc, err := time.LoadLocation(cals[0].TimeZone)
	require.NoError(t, err)
	soon := time.Now().In(loc).AddDate(0, 1, 0).Format(time.DateOnly)
	later := time.Now().In(loc).AddDate(2, 0, 0).Format(time.DateOnly)

	// Without JavaScript each day and the holiday list end with one empty row to fill in.
	page := c.Get(path).Body
	require.Contains(t, page, `name="day_0_start_0" value="09:00"`)
	require.Contains(t, page, `name="day_0_start_1" value=""`, "a spare row after Monday's interval")
	require.Contains(t, page, `name="day_6_start_0" value=""`, "a closed Sunday has one empty row")
	require.Contains(t, page, `name="hol_date_0" value=""`)

	form := url.Values{"name": {"Office"}, "time_zone": {"Europe/Bucharest"},
		"day_0_start_0": {"09:00"}, "day_0_end_0": {"12:00"}, "day_0_start_1": {"11:30"}, "day_0_end_1": {"17:00"},
		"day_1_start_0": {"17:00"}, "day_1_end_0": {"09:00"},
		"day_2_start_0": {"nine"}, "day_2_end_0": {"17:00"},
		"hol_date_0": {soon}, "hol_name_0": {"Company day"}, "hol_date_1": {""}, "hol_name_1": {"Staff party"},
		"add_country": {"RO"}}
	res := c.PostForm(path, form)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	for _, want := range []string{
		`id="day_0_1-error">This interval overlaps another one on the same day.`,
		`id="day_1_0-error">The closing time must be after the opening time.`,
		`id="day_2_0-error">Enter both times, opening and closing, like 09:00.`,
		`id="holiday_1-error">Pick the date of this holiday.`,
		`name="day_0_start_1" value="11:30"`,
		`name="day_2_start_0" value="nine"`,
		`name="hol_name_0" value="Company day"`,
		`name="hol_name_1" value="Staff party"`,
		`<option value="RO" selected>`,
		`name="imported_country" value="RO"`,
		`value="2027-12-01"`, // Romania's national day, imported
		`data-testid="import-note"`,
	} {
		require.True(t, strings.Contains(res.Body, want), "the refused form shows %s", want)
	}
	require.NotContains(t, res.Body, `id="day_0_0-error"`, "the message sits on the row entered later")
	require.Equal(t, 1, strings.Count(res.Body, `value="2026-06-01"`), "a date the country lists twice is one row, so the form saves as shown")
	cals, err = app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	require.Equal(t, "Business hours", cals[0].Name, "nothing saved")

	// Fixed, with the imported rows posted back and one of them removed: saved once, without it.
	form = url.Values{"name": {"Office"}, "time_zone": {"Europe/Bucharest"},
		"day_0_start_0": {"09:00"}, "day_0_end_0": {"12:00"}, "day_0_start_1": {"13:00"}, "day_0_end_1": {"17:00"},
		"hol_date_0": {soon}, "hol_name_0": {"Company day"}, "hol_date_1": {"2025-01-01"}, "hol_name_1": {"New year"},
		"hol_date_2": {later}, "hol_name_2": {"Far ahead"},
		"add_country": {"RO"}, "imported_country": {"RO"}}
	res = c.PostForm(path, form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	cals, err = app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	require.Equal(t, []sla.Span{{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17 * 60}}, cals[0].Data.Week[0])
	require.Len(t, cals[0].Data.Holidays, 3, "the country's other holidays were removed before saving")

	// Past holidays and those more than a year ahead fold away; the coming year's show.
	page = c.Get(path).Body
	upcoming := page[strings.Index(page, `data-testid="holiday-rows"`):strings.Index(page, `data-testid="later-holidays"`)]
	require.Contains(t, upcoming, `value="`+soon+`"`)
	require.NotContains(t, upcoming, `value="2025-01-01"`)
	fold := page[strings.Index(page, `data-testid="later-holidays"`):strings.Index(page, `data-testid="past-holidays"`)]
	require.Contains(t, fold, "Later holidays (1)")
	require.Contains(t, fold, `value="`+later+`"`)
	past := page[strings.Index(page, `data-testid="past-holidays"`):]
	require.Contains(t, past, "Past holidays (1)")
	require.Contains(t, past, `value="2025-01-01"`)
	require.NotContains(t, page, `class="bh-fold" open`, "folded while nothing in it is wrong")
	require.NotContains(t, page, `class="bh-fold bh-past" open`, "folded while nothing in it is wrong")
}

// TestHoursFormLanguages: the refused form speaks the reader's language.
func TestHoursFormLanguages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "hourslang", "admin@hourslang.test")
	c := app.SignIn(t, "admin@hourslang.test")
	cals, err := app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	require.Equal(t, http.StatusSeeOther, c.PostForm("/account", url.Values{"name": {"Admin"}, "language": {"ro"}}).StatusCode)
	res := c.PostForm("/w/hourslang/settings/hours/"+cals[0].ID.String(), url.Values{"name": {"Office"}, "time_zone": {"Europe/Bucharest"},
		"day_0_start_0": {"12:00"}, "day_0_end_0": {"12:00"}, "add_country": {"KR"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.True(t, strings.Contains(res.Body, "Ora de închidere trebuie să fie după ora de deschidere."), "the row's message in Romanian")
	require.True(t, strings.Contains(res.Body, " sărbători din Coreea de Sud sunt acum în listă"), "the import note in Romanian")
}
