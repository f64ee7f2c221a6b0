// Package businesshours is the clock arithmetic behind SLA targets: when a target of N business
// hours that starts at an instant falls due, and how much business time passed between two
// instants, on a workspace's or team's calendar — weekly opening intervals in a time zone
// (several a day, overnight shifts such as 22:00–06:00), holidays and one-off closures. It has no
// database and no clock of its own: callers pass instants in, get instants out.
//
// Wall-clock times are resolved per civil date in the calendar's zone, so an interval keeps its
// local hours across daylight-saving changes: a 09:00–17:00 day is 8 hours of business time every
// day of the year, and an overnight shift over a change is as long as the clock on the wall says.
package businesshours

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Interval is one opening period of a weekday, as offsets from that day's midnight. End may pass
// 24h: {22h, 30h} is 22:00 until 06:00 the next morning.
type Interval struct {
	Start, End time.Duration
}

// Date is a civil date in the calendar's zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// DateOf is the civil date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// Range is a span of time [From, To).
type Range struct{ From, To time.Time }

// Calendar is a set of opening hours. The zero Week with AlwaysOpen false is never open.
type Calendar struct {
	Location *time.Location
	// AlwaysOpen makes a calendar clock (24/7): business time is elapsed time. Holidays and
	// closures still apply.
	AlwaysOpen bool
	// Week holds each weekday's intervals (index time.Sunday … time.Saturday).
	Week [7][]Interval
	// Holidays close whole civil dates: intervals that start on them do not open (an overnight
	// shift that started the evening before still runs into the morning).
	Holidays map[Date]bool
	// Closures close instants, whatever the week says (a one-off closure, an outage).
	Closures []Range
}

// ErrNeverOpen means the calendar has no open time in the searched horizon, so no due time exists.
var ErrNeverOpen = errors.New("businesshours: the calendar is never open")

// horizon bounds every search: a target that cannot be met in this much calendar time is an error,
// not a loop.
const horizon = 3 * 366 * 24 * time.Hour

// Validate reports a calendar that cannot be used.
func (c *Calendar) Validate() error {
	if c.Location == nil {
		return errors.New("businesshours: the calendar has no time zone")
	}
	for day, ivs := range c.Week {
		for _, iv := range ivs {
			if iv.Start < 0 || iv.End <= iv.Start || iv.End > 48*time.Hour || iv.End-iv.Start > 24*time.Hour {
				return fmt.Errorf("businesshours: %s interval %s–%s is not a period of at most 24 hours", time.Weekday(day), iv.Start, iv.End)
			}
		}
	}
	return nil
}

// windows calls fn with the calendar's open periods in time order, starting with any that contain
// from (clipped to start at from), until fn returns false or the horizon is passed. Periods are
// merged where they touch or overlap and cut by closures.
func (c *Calendar) windows(from time.Time, fn func(a, b time.Time) bool) {
	loc := c.Location
	until := from.Add(horizon)
	y, m, dd := from.In(loc).Date()
	var cur *Range
	emit := func(r Range) bool {
		for _, piece := range c.subtractClosures(r) {
			if !piece.To.After(from) {
				continue
			}
			if piece.From.Before(from) {
				piece.From = from
			}
			if !fn(piece.From, piece.To) {
				return false
			}
		}
		return true
	}
	// Two days back: an overnight period that started then may still be open at from.
	for i := -2; ; i++ {
		midnight := time.Date(y, m, dd+i, 0, 0, 0, 0, loc)
		if midnight.After(until) {
			if cur != nil {
				emit(*cur)
			}
			return
		}
		for _, p := range c.day(DateOf(midnight, loc)) {
			switch {
			case cur == nil:
				cur = &Range{p.From, p.To}
			case !p.From.After(cur.To):
				if p.To.After(cur.To) {
					cur.To = p.To
				}
			default:
				if !emit(*cur) {
					return
				}
				cur = &Range{p.From, p.To}
			}
		}
	}
}

// day is a civil date's own open periods (those that start on it), in order.
func (c *Calendar) day(d Date) []Range {
	if c.Holidays[d] {
		return nil
	}
	loc := c.Location
	if c.AlwaysOpen {
		return []Range{{at(d, 0, loc), at(d, 24*time.Hour, loc)}}
	}
	wd := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc).Weekday()
	ivs := append([]Interval(nil), c.Week[wd]...)
	sort.Slice(ivs, func(i, j int) bool { return ivs[i].Start < ivs[j].Start })
	out := make([]Range, 0, len(ivs))
	for _, iv := range ivs {
		a, b := at(d, iv.Start, loc), at(d, iv.End, loc)
		if b.After(a) {
			out = append(out, Range{a, b})
		}
	}
	return out
}

// at is the instant of a wall-clock offset from a civil date's midnight (offsets past 24h fall on
// the next day). A wall time that does not exist (the hour skipped in spring) resolves forward.
func at(d Date, off time.Duration, loc *time.Location) time.Time {
	days := int(off / (24 * time.Hour))
	off -= time.Duration(days) * 24 * time.Hour
	h, m := int(off/time.Hour), int(off%time.Hour/time.Minute)
	s := int(off % time.Minute / time.Second)
	return time.Date(d.Year, d.Month, d.Day+days, h, m, s, 0, loc)
}

// subtractClosures cuts the closures out of r.
func (c *Calendar) subtractClosures(r Range) []Range {
	out := []Range{r}
	for _, cl := range c.Closures {
		next := out[:0:0]
		for _, p := range out {
			if !cl.From.Before(p.To) || !cl.To.After(p.From) {
				next = append(next, p)
				continue
			}
			if cl.From.After(p.From) {
				next = append(next, Range{p.From, cl.From})
			}
			if cl.To.Before(p.To) {
				next = append(next, Range{cl.To, p.To})
			}
		}
		out = next
	}
	return out
}

// Open reports whether the calendar is open at t.
func (c *Calendar) Open(t time.Time) bool {
	open := false
	c.windows(t, func(a, b time.Time) bool {
		open = !a.After(t) && t.Before(b)
		return false
	})
	return open
}

// NextOpen is the first instant at or after t when the calendar is open.
func (c *Calendar) NextOpen(t time.Time) (time.Time, error) {
	var next time.Time
	c.windows(t, func(a, _ time.Time) bool {
		next = a
		return false
	})
	if next.IsZero() {
		return t, ErrNeverOpen
	}
	return next, nil
}

// Add is the due time of a target of d business time that starts at start: the instant by which
// d of open time has passed. A target of 0 is due at the next open instant.
func (c *Calendar) Add(start time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return start, errors.New("businesshours: a negative target")
	}
	var due time.Time
	left := d
	c.windows(start, func(a, b time.Time) bool {
		if n := b.Sub(a); left <= n {
			due = a.Add(left)
			return false
		} else {
			left -= n
		}
		return true
	})
	if due.IsZero() {
		return start, ErrNeverOpen
	}
	return due, nil
}

// AddPaused is Add with the paused ranges left out: the instant by which d of open, unpaused time
// has passed. A pause is a closure of this one ticket's clock, so it is added to the closures.
func (c *Calendar) AddPaused(start time.Time, d time.Duration, paused ...Range) (time.Time, error) {
	if len(paused) == 0 {
		return c.Add(start, d)
	}
	cc := *c
	cc.Closures = append(append([]Range(nil), c.Closures...), paused...)
	return cc.Add(start, d)
}

// Elapsed is the business time between from and to (0 when to is not after from), leaving out
// the paused ranges (a ticket waiting on the customer, say).
func (c *Calendar) Elapsed(from, to time.Time, paused ...Range) time.Duration {
	if !to.After(from) {
		return 0
	}
	paused = mergeRanges(paused)
	var sum time.Duration
	c.windows(from, func(a, b time.Time) bool {
		if !a.Before(to) {
			return false
		}
		if b.After(to) {
			b = to
		}
		sum += b.Sub(a)
		for _, p := range paused {
			lo, hi := maxTime(a, p.From), minTime(b, p.To)
			if hi.After(lo) {
				sum -= hi.Sub(lo)
			}
		}
		return true
	})
	return sum
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// mergeRanges sorts ranges and joins those that overlap, so no time is paused twice.
func mergeRanges(rs []Range) []Range {
	if len(rs) < 2 {
		return rs
	}
	rs = append([]Range(nil), rs...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].From.Before(rs[j].From) })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if !r.From.After(last.To) {
			last.To = maxTime(last.To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}
