package automation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// TestCalendarSeveralIntervalsADay: a day saved as 09:00–12:00 and 13:00–17:00 is stored as two
// intervals, and the business clock built from the stored calendar counts only those hours (the
// lunch hour is not business time, in targets falling due and in time elapsed).
func TestCalendarSeveralIntervalsADay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "split-day", "admin@split-day.test")
	cals, err := app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	in := automation.CalendarInput{Name: "Office", TimeZone: "Europe/Bucharest"}
	in.Week[0] = []automation.IntervalInput{{Start: "13:00", End: "17:00"}, {Start: "09:00", End: "12:00"}, {}}
	_, err = app.Automation.SaveCalendar(ctx, sc, cals[0].ID, in)
	require.NoError(t, err)

	cals, err = app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	require.Equal(t, []sla.Span{{Start: 9 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17 * 60}}, cals[0].Data.Week[0], "in time order, the empty row skipped")
	cal, err := cals[0].Data.Build(cals[0].TimeZone)
	require.NoError(t, err)
	loc := cal.Location
	mon := func(h, m int) time.Time { return time.Date(2026, 11, 30, h, m, 0, 0, loc) } // a Monday

	require.Equal(t, 7*time.Hour, cal.Elapsed(mon(8, 0), mon(18, 0)), "3h in the morning, 4h in the afternoon")
	require.Equal(t, 4*time.Hour, cal.Elapsed(mon(10, 0), mon(15, 0)), "the lunch hour does not count")
	require.Equal(t, time.Duration(0), cal.Elapsed(mon(12, 0), mon(13, 0)))
	due, err := cal.Add(mon(11, 0), 2*time.Hour)
	require.NoError(t, err)
	require.True(t, mon(14, 0).Equal(due), "an hour before lunch and an hour after: due %s", due)
	due, err = cal.Add(mon(12, 15), 30*time.Minute)
	require.NoError(t, err)
	require.True(t, mon(13, 30).Equal(due), "a target set over lunch starts counting at 13:00: due %s", due)
	require.False(t, cal.Open(mon(12, 30)))
	require.True(t, cal.Open(mon(13, 0)))
}

// TestCalendarIntervalErrors: each bad row gets its own message, keyed by day and row.
func TestCalendarIntervalErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "bad-rows", "admin@bad-rows.test")
	cals, err := app.Automation.Calendars(ctx, sc)
	require.NoError(t, err)
	in := automation.CalendarInput{Name: "Office", TimeZone: "Europe/Bucharest"}
	in.Week[0] = []automation.IntervalInput{{Start: "09:00", End: "12:00"}, {Start: "11:00", End: "14:00"}}
	in.Week[1] = []automation.IntervalInput{{Start: "17:00", End: "09:00"}}
	in.Week[2] = []automation.IntervalInput{{Start: "9am", End: "17:00"}, {Start: "18:00"}}
	in.Week[3] = []automation.IntervalInput{{Start: "22:00", End: "06:00", NextDay: true}, {Start: "10:00", End: "22:00"}}
	in.Week[6] = []automation.IntervalInput{{Start: "18:00", End: "00:00"}}
	in.Week[4] = []automation.IntervalInput{{Start: "08:00", End: "09:00", NextDay: true}}
	in.Holidays = []automation.HolidayInput{{Date: "2026-12-25", Name: "Christmas"}, {Name: "No date"}, {Date: "25.12.2026"}, {Date: "2026-12-25"}, {}}
	_, err = app.Automation.SaveCalendar(ctx, sc, cals[0].ID, in)
	var ve validate.Errors
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Equal(t, validate.Errors{
		"day_0_1":   "hours.interval_overlap",
		"day_1_0":   "hours.interval_order",
		"day_2_0":   "hours.interval_invalid",
		"day_2_1":   "hours.interval_invalid",
		"day_4_0":   "hours.interval_too_long",
		"holiday_1": "hours.holiday_date_missing",
		"holiday_2": "hours.holiday_invalid",
		"holiday_3": "hours.holiday_twice",
	}, ve, "a night shift ending the next day and a day closing at midnight are fine")
}
