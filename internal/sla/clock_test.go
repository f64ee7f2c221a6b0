package sla

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/businesshours"
)

func TestCompute(t *testing.T) {
	t.Parallel()
	seoul, err := time.LoadLocation("Asia/Seoul")
	require.NoError(t, err)
	t0 := time.Date(2026, 12, 4, 16, 0, 0, 0, seoul) // a Friday, one hour before closing
	at := func(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }
	cal, err := CalendarData{Week: DefaultWeek()}.Build("Asia/Seoul")
	require.NoError(t, err)
	calendarClock := &Clock{Minutes: map[string]int32{FirstResponse: 12 * 60, NextResponse: 12 * 60}, Location: seoul, WarnPercent: 80}
	business := &Clock{Minutes: map[string]int32{FirstResponse: 4 * 60, Resolution: 16 * 60}, Business: map[string]bool{FirstResponse: true, Resolution: true},
		Calendar: cal, Location: seoul, WarnPercent: 50, PausePend: true}
	find := func(ts []Target, metric string) Target {
		for _, tg := range ts {
			if tg.Metric == metric {
				return tg
			}
		}
		t.Fatalf("no %s target", metric)
		return Target{}
	}

	t.Run("AutomatedRepliesNeverMeetATarget", func(t *testing.T) {
		t.Parallel()
		ts, err := calendarClock.Compute(Input{Created: t0, Status: "open", Messages: []Msg{
			{At: at(0), Kind: "inbound"}, {At: at(0.01), Kind: "outbound", Automated: true}, {At: at(1), Kind: "note"},
		}})
		require.NoError(t, err)
		require.Len(t, ts, 1, "no next response before the first human reply")
		fr := find(ts, FirstResponse)
		require.Equal(t, "running", fr.State)
		require.Equal(t, at(12), *fr.Due)
		require.Equal(t, at(12*0.8), *fr.Warn)
	})

	t.Run("NextResponseFromTheOldestUnansweredMessage", func(t *testing.T) {
		t.Parallel()
		msgs := []Msg{{At: at(0), Kind: "inbound"}, {At: at(2), Kind: "outbound"}, {At: at(5), Kind: "inbound"}, {At: at(6), Kind: "inbound"}}
		ts, err := calendarClock.Compute(Input{Created: t0, Status: "open", Messages: msgs})
		require.NoError(t, err)
		require.Equal(t, "met", find(ts, FirstResponse).State)
		require.Equal(t, at(2), *find(ts, FirstResponse).MetAt)
		nr := find(ts, NextResponse)
		require.Equal(t, at(5), nr.Start)
		require.Equal(t, at(17), *nr.Due)

		// A failed reply answers nothing; a human reply answers both waiting messages.
		ts, err = calendarClock.Compute(Input{Created: t0, Status: "open", Messages: append(msgs, Msg{At: at(7), Kind: "outbound", Failed: true})})
		require.NoError(t, err)
		require.Equal(t, "running", find(ts, NextResponse).State)
		ts, err = calendarClock.Compute(Input{Created: t0, Status: "open", Messages: append(msgs, Msg{At: at(7), Kind: "outbound"})})
		require.NoError(t, err)
		nr = find(ts, NextResponse)
		require.Equal(t, "met", nr.State)
		require.Equal(t, at(5), nr.Start)
		require.Equal(t, at(7), *nr.MetAt)

		// "No response needed" on the latest customer message closes its clock.
		closed := append([]Msg(nil), msgs...)
		closed[3].NoResponse = true
		ts, err = calendarClock.Compute(Input{Created: t0, Status: "open", Messages: closed})
		require.NoError(t, err)
		require.True(t, find(ts, NextResponse).Skipped)
	})

	t.Run("BusinessHoursAndPauses", func(t *testing.T) {
		t.Parallel()
		// Friday 16:00 + 4 business hours on Mon-Fri 09-17: Monday 12:00.
		ts, err := business.Compute(Input{Created: t0, Status: "open", Messages: []Msg{{At: t0, Kind: "inbound"}}})
		require.NoError(t, err)
		require.Equal(t, time.Date(2026, 12, 7, 12, 0, 0, 0, seoul), *find(ts, FirstResponse).Due)
		require.Equal(t, time.Date(2026, 12, 7, 10, 0, 0, 0, seoul), *find(ts, FirstResponse).Warn)

		// Pending from Monday 9:00 to Monday 11:00 moves the due time by those two business hours.
		mon9 := time.Date(2026, 12, 7, 9, 0, 0, 0, seoul)
		in := Input{Created: t0, Status: "open", Messages: []Msg{{At: t0, Kind: "inbound"}},
			Statuses: []StatusChange{{At: mon9, To: "pending"}, {At: mon9.Add(2 * time.Hour), To: "open"}}}
		ts, err = business.Compute(in)
		require.NoError(t, err)
		require.Equal(t, time.Date(2026, 12, 7, 14, 0, 0, 0, seoul), *find(ts, FirstResponse).Due)
		require.Equal(t, 4*time.Hour, cal.Elapsed(t0, *find(ts, FirstResponse).Due, businesshours.Range{From: mon9, To: mon9.Add(2 * time.Hour)}))

		// While pending, the clock stands still.
		in.Statuses = in.Statuses[:1]
		in.Status = "pending"
		ts, err = business.Compute(in)
		require.NoError(t, err)
		require.Equal(t, "paused", find(ts, FirstResponse).State)
		require.Nil(t, find(ts, FirstResponse).Due)

		// Resolved meets the resolution target.
		res := at(30)
		ts, err = business.Compute(Input{Created: t0, Status: "resolved", ResolvedAt: &res, Messages: []Msg{{At: t0, Kind: "inbound"}}})
		require.NoError(t, err)
		require.Equal(t, "met", find(ts, Resolution).State)
	})
}
