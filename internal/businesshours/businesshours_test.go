package businesshours

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func hours(h ...float64) Interval {
	return Interval{time.Duration(h[0] * float64(time.Hour)), time.Duration(h[1] * float64(time.Hour))}
}

// weekdays is Monday to Friday with the same intervals.
func weekdays(loc *time.Location, ivs ...Interval) *Calendar {
	c := &Calendar{Location: loc}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = ivs
	}
	return c
}

func everyDay(loc *time.Location, ivs ...Interval) *Calendar {
	c := &Calendar{Location: loc}
	for d := range c.Week {
		c.Week[d] = ivs
	}
	return c
}

func TestDueAndElapsed(t *testing.T) {
	t.Parallel()
	buc, sel, la := zone(t, "Europe/Bucharest"), zone(t, "Asia/Seoul"), zone(t, "America/Los_Angeles")
	tm := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc)
	}
	cases := []struct {
		name   string
		cal    *Calendar
		start  time.Time
		target time.Duration
		due    time.Time
	}{
		{"OverTheWeekend", weekdays(buc, hours(9, 17)), tm(buc, 2026, 11, 27, 16, 0), 2 * time.Hour, tm(buc, 2026, 11, 30, 10, 0)},
		{"StartsBeforeOpening", weekdays(buc, hours(9, 17)), tm(buc, 2026, 11, 30, 6, 30), time.Hour, tm(buc, 2026, 11, 30, 10, 0)},
		{"SplitDay", weekdays(buc, hours(9, 12), hours(13, 17)), tm(buc, 2026, 11, 30, 11, 0), 2 * time.Hour, tm(buc, 2026, 11, 30, 14, 0)},
		{"ExactlyAtClosing", weekdays(buc, hours(9, 17)), tm(buc, 2026, 11, 30, 9, 0), 8 * time.Hour, tm(buc, 2026, 11, 30, 17, 0)},
		{"ZeroTargetWaitsForOpening", weekdays(buc, hours(9, 17)), tm(buc, 2026, 11, 28, 12, 0), 0, tm(buc, 2026, 11, 30, 9, 0)},
		// Overnight shift 22:00–06:00 over the spring change in Bucharest (03:00 → 04:00 on
		// 29 March 2026): that night's shift is 7 real hours.
		{"OvernightSpringForward", everyDay(buc, hours(22, 30)), tm(buc, 2026, 3, 28, 22, 0), 8 * time.Hour, tm(buc, 2026, 3, 29, 23, 0)},
		// Los Angeles falls back (02:00 → 01:00) on 1 November 2026: that shift is 9 real hours.
		{"OvernightFallBack", everyDay(la, hours(22, 30)), tm(la, 2026, 10, 31, 22, 0), 9 * time.Hour, tm(la, 2026, 11, 1, 6, 0)},
		{"LASpringForwardDayShift", weekdays(la, hours(9, 17)), tm(la, 2026, 3, 6, 16, 0), 2 * time.Hour, tm(la, 2026, 3, 9, 10, 0)},
		// Seoul over the year end with New Year's Day a holiday.
		{"YearEndHoliday", func() *Calendar {
			c := weekdays(sel, hours(9, 18))
			c.Holidays = map[Date]bool{{2027, 1, 1}: true}
			return c
		}(), tm(sel, 2026, 12, 31, 17, 0), 2 * time.Hour, tm(sel, 2027, 1, 4, 10, 0)},
		{"ClosureInTheDay", func() *Calendar {
			c := weekdays(buc, hours(9, 17))
			c.Closures = []Range{{tm(buc, 2026, 12, 2, 12, 0), tm(buc, 2026, 12, 2, 14, 0)}}
			return c
		}(), tm(buc, 2026, 12, 2, 11, 0), 2 * time.Hour, tm(buc, 2026, 12, 2, 15, 0)},
		// A calendar clock counts real time: 24 hours across the autumn change is 24 hours.
		{"CalendarClockAcrossDST", &Calendar{Location: buc, AlwaysOpen: true}, tm(buc, 2026, 10, 24, 12, 0), 24 * time.Hour, tm(buc, 2026, 10, 25, 11, 0)},
		// An overnight shift running into the next day's early shift is one period.
		{"OverlappingShifts", func() *Calendar {
			c := &Calendar{Location: buc}
			c.Week[time.Monday] = []Interval{hours(22, 30)}
			c.Week[time.Tuesday] = []Interval{hours(5, 9)}
			return c
		}(), tm(buc, 2026, 11, 30, 22, 0), 11 * time.Hour, tm(buc, 2026, 12, 1, 9, 0)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, tc.cal.Validate())
			due, err := tc.cal.Add(tc.start, tc.target)
			require.NoError(t, err)
			require.True(t, tc.due.Equal(due), "due %s, want %s", due.In(tc.cal.Location), tc.due)
			require.Equal(t, tc.target, tc.cal.Elapsed(tc.start, due))
		})
	}
}

func TestPausesHolidaysAndNeverOpen(t *testing.T) {
	t.Parallel()
	buc := zone(t, "Europe/Bucharest")
	c := weekdays(buc, hours(9, 17))
	mon9 := time.Date(2026, 11, 30, 9, 0, 0, 0, buc)
	pause := Range{mon9.Add(2 * time.Hour), mon9.Add(4 * time.Hour)}
	overlapping := Range{mon9.Add(3 * time.Hour), mon9.Add(5 * time.Hour)}
	require.Equal(t, 5*time.Hour, c.Elapsed(mon9, mon9.Add(8*time.Hour), pause, overlapping), "paused time counts once")
	require.True(t, c.Open(mon9))
	require.False(t, c.Open(mon9.Add(-time.Nanosecond)))
	require.False(t, c.Open(mon9.Add(8*time.Hour)))
	next, err := c.NextOpen(mon9.Add(8 * time.Hour))
	require.NoError(t, err)
	require.Equal(t, mon9.AddDate(0, 0, 1), next)

	// A holiday closes the shift that starts on it, not the overnight one from the day before.
	night := everyDay(buc, hours(22, 30))
	night.Holidays = map[Date]bool{{2026, 12, 25}: true}
	require.True(t, night.Open(time.Date(2026, 12, 25, 3, 0, 0, 0, buc)))
	require.False(t, night.Open(time.Date(2026, 12, 25, 23, 0, 0, 0, buc)))

	_, err = (&Calendar{Location: buc}).Add(mon9, time.Hour)
	require.True(t, errors.Is(err, ErrNeverOpen))
	require.Error(t, (&Calendar{}).Validate())
	bad := &Calendar{Location: buc}
	bad.Week[time.Monday] = []Interval{hours(17, 9)}
	require.Error(t, bad.Validate())
}

// TestProperties checks, for random calendars, starts and targets in all three zones: the
// business time from start to due equals the target; the instant before a due time is open (a
// due time never falls inside closed time); a longer target is never due earlier.
func TestProperties(t *testing.T) {
	t.Parallel()
	zones := []*time.Location{zone(t, "Asia/Seoul"), zone(t, "Europe/Bucharest"), zone(t, "America/Los_Angeles"), time.UTC}
	r := rand.New(rand.NewPCG(2026, 12))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 400 {
		loc := zones[r.IntN(len(zones))]
		c := &Calendar{Location: loc, AlwaysOpen: r.IntN(10) == 0, Holidays: map[Date]bool{}}
		for d := range c.Week {
			for range r.IntN(3) {
				start := time.Duration(r.IntN(96)) * 15 * time.Minute
				length := time.Duration(1+r.IntN(48)) * 15 * time.Minute // up to 12 h, overnight allowed
				c.Week[d] = append(c.Week[d], Interval{start, start + length})
			}
		}
		if !c.AlwaysOpen && len(c.Week[1])+len(c.Week[3])+len(c.Week[5]) == 0 {
			c.Week[2] = []Interval{{9 * time.Hour, 17 * time.Hour}}
		}
		for range r.IntN(10) {
			c.Holidays[DateOf(base.Add(time.Duration(r.IntN(2*365))*24*time.Hour), loc)] = true
		}
		for range r.IntN(3) {
			from := base.Add(time.Duration(r.IntN(2*365*24*60)) * time.Minute)
			c.Closures = append(c.Closures, Range{from, from.Add(time.Duration(1+r.IntN(72*60)) * time.Minute)})
		}
		require.NoError(t, c.Validate())
		start := base.Add(time.Duration(r.IntN(2*365*24*60)) * time.Minute)
		target := time.Duration(r.IntN(200*60)) * time.Minute
		due, err := c.Add(start, target)
		require.NoError(t, err, "case %d", i)
		require.Equal(t, target, c.Elapsed(start, due), "case %d: %s from %s in %s", i, target, start, loc)
		if target > 0 {
			require.True(t, c.Open(due.Add(-time.Nanosecond)), "case %d: due %s follows closed time", i, due)
		}
		later, err := c.Add(start, target+time.Minute)
		require.NoError(t, err)
		require.True(t, later.After(due), "case %d", i)

		// With pauses (a ticket waiting on the customer), the unpaused business time to the
		// due time is still the target.
		var pauses []Range
		for range r.IntN(4) {
			from := start.Add(time.Duration(r.IntN(10*24*60)) * time.Minute)
			pauses = append(pauses, Range{from, from.Add(time.Duration(1+r.IntN(48*60)) * time.Minute)})
		}
		pdue, err := c.AddPaused(start, target, pauses...)
		require.NoError(t, err, "case %d", i)
		require.Equal(t, target, c.Elapsed(start, pdue, pauses...), "case %d with pauses %v", i, pauses)
		require.False(t, pdue.Before(due), "case %d: pauses never bring a due time forward", i)
	}
}

func BenchmarkAdd(b *testing.B) {
	buc, err := time.LoadLocation("Europe/Bucharest")
	if err != nil {
		b.Fatal(err)
	}
	c := weekdays(buc, hours(9, 12), hours(13, 17))
	start := time.Date(2026, 11, 27, 16, 0, 0, 0, buc)
	for b.Loop() {
		if _, err := c.Add(start, 24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
