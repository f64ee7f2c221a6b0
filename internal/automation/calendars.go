package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/holiday"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Calendar is a stored business-hours calendar with its content read.
type Calendar struct {
	dbsqlc.Calendar
	Data sla.CalendarData
}

// CalendarInput is the business-hours form: a line per weekday ("09:00-12:00, 13:00-17:00",
// "22:00-06:00" for a night shift, empty when closed), holidays one per line ("2026-12-25
// Christmas"), closures one per line ("2026-12-31 14:00 - 2027-01-02 09:00 Inventory"), and
// optionally a country whose shipped holidays are added.
type CalendarInput struct {
	Name, TimeZone string
	Week           [7]string // Monday first
	Holidays       string
	Closures       string
	AddCountry     string
	Default        bool
}

// Calendars lists the workspace's calendars, the default first.
func (e *Engine) Calendars(ctx context.Context, sc tenant.Scope) ([]Calendar, error) {
	var out []Calendar
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.CalendarList(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		for _, r := range rows {
			d, err := sla.DecodeCalendar(r)
			if err != nil {
				return err
			}
			out = append(out, Calendar{Calendar: r, Data: d})
		}
		return nil
	})
	return out, err
}

// ParseSpans reads one weekday's line into intervals; an interval ending at or before its start
// runs past midnight.
func ParseSpans(line string) ([]sla.Span, bool) {
	var out []sla.Span
	for part := range strings.SplitSeq(line, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(part, "-")
		if !ok {
			return nil, false
		}
		a, ok1 := clockMinutes(from)
		b, ok2 := clockMinutes(to)
		if !ok1 || !ok2 || a == b || a >= 24*60 {
			return nil, false
		}
		if b <= a {
			b += 24 * 60 // overnight
		}
		out = append(out, sla.Span{Start: a, End: b})
	}
	slices.SortFunc(out, func(x, y sla.Span) int { return x.Start - y.Start })
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].End {
			return nil, false
		}
	}
	return out, true
}

func clockMinutes(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		m = "0"
	}
	hh, err1 := strconv.Atoi(strings.TrimSpace(h))
	mm, err2 := strconv.Atoi(strings.TrimSpace(m))
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// SpansText writes a day's intervals as the form shows them.
func SpansText(spans []sla.Span) string {
	var parts []string
	for _, s := range spans {
		end := s.End % (24 * 60)
		if s.End == 24*60 {
			end = 24 * 60
		}
		parts = append(parts, fmt.Sprintf("%02d:%02d-%02d:%02d", s.Start/60, s.Start%60, end/60, end%60))
	}
	return strings.Join(parts, ", ")
}

// SaveCalendar validates and stores a calendar (id uuid.Nil creates one).
func (e *Engine) SaveCalendar(ctx context.Context, sc tenant.Scope, id uuid.UUID, in CalendarInput) (uuid.UUID, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return uuid.Nil, err
	}
	errs := validate.Errors{}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 100 {
		errs.Add("name", "hours.name_required")
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil || in.TimeZone == "" {
		errs.Add("time_zone", "workspace.time_zone_invalid")
		loc = time.UTC
	}
	var d sla.CalendarData
	for i, line := range in.Week {
		spans, ok := ParseSpans(line)
		if !ok {
			errs.Add("day_"+strconv.Itoa(i), "hours.day_invalid")
		}
		d.Week[i] = spans
	}
	seen := map[string]bool{}
	for line := range strings.SplitSeq(in.Holidays, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		date, name, _ := strings.Cut(line, " ")
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			errs.Add("holidays", "hours.holiday_invalid")
			continue
		}
		if !seen[date] {
			seen[date] = true
			d.Holidays = append(d.Holidays, sla.HolidayEntry{Date: date, Name: strings.TrimSpace(name)})
		}
	}
	if in.AddCountry != "" {
		list := holiday.Of(in.AddCountry)
		if list == nil {
			errs.Add("add_country", "hours.country_unknown")
		}
		for _, h := range list {
			if !seen[h.Date] {
				seen[h.Date] = true
				d.Holidays = append(d.Holidays, sla.HolidayEntry{Date: h.Date, Name: h.Name})
			}
		}
	}
	slices.SortFunc(d.Holidays, func(a, b sla.HolidayEntry) int { return strings.Compare(a.Date, b.Date) })
	for line := range strings.SplitSeq(in.Closures, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		c, ok := parseClosure(line, loc)
		if !ok {
			errs.Add("closures", "hours.closure_invalid")
			continue
		}
		d.Closures = append(d.Closures, c)
	}
	if len(errs) == 0 {
		if _, err := d.Build(in.TimeZone); err != nil {
			errs.Add("day_0", "hours.day_invalid")
		}
	}
	if err := errs.Err(); err != nil {
		return uuid.Nil, err
	}
	hol, _ := json.Marshal(nonNilHolidays(d.Holidays))
	clo, _ := json.Marshal(nonNilClosures(d.Closures))
	err = e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if id == uuid.Nil {
			row, err := q.CalendarCreate(ctx, dbsqlc.CalendarCreateParams{TenantID: sc.TenantID(), Name: name, TimeZone: in.TimeZone,
				Week: sla.EncodeWeek(d.Week), Holidays: hol, Closures: clo})
			if _, ok := store.UniqueViolation(err); ok {
				return validate.Errors{"name": "hours.name_taken"}
			} else if err != nil {
				return err
			}
			id = row.ID
		} else {
			n, err := q.CalendarUpdate(ctx, dbsqlc.CalendarUpdateParams{TenantID: sc.TenantID(), ID: id, Name: name, TimeZone: in.TimeZone,
				Week: sla.EncodeWeek(d.Week), Holidays: hol, Closures: clo})
			if _, ok := store.UniqueViolation(err); ok {
				return validate.Errors{"name": "hours.name_taken"}
			} else if err != nil {
				return err
			}
			if n == 0 {
				return store.ErrNotFound
			}
		}
		return tenant.Audit(ctx, q, sc, "hours.saved", map[string]any{"calendar": name, "holidays": len(d.Holidays)})
	})
	e.SLA.Forget(sc.TenantID())
	return id, err
}

// parseClosure reads "2026-12-31 14:00 - 2027-01-02 09:00 Inventory" in the calendar's zone.
func parseClosure(line string, loc *time.Location) (sla.Closure, bool) {
	from, rest, ok := strings.Cut(line, " - ")
	if !ok {
		return sla.Closure{}, false
	}
	f, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(from), loc)
	if err != nil {
		return sla.Closure{}, false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 16 {
		return sla.Closure{}, false
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", rest[:16], loc)
	if err != nil || !t.After(f) {
		return sla.Closure{}, false
	}
	return sla.Closure{From: f.UTC(), To: t.UTC(), Name: strings.TrimSpace(rest[16:])}, true
}

// ClosureText writes a closure as the form reads it.
func ClosureText(c sla.Closure, loc *time.Location) string {
	s := c.From.In(loc).Format("2006-01-02 15:04") + " - " + c.To.In(loc).Format("2006-01-02 15:04")
	if c.Name != "" {
		s += " " + c.Name
	}
	return s
}

func nonNilHolidays(h []sla.HolidayEntry) []sla.HolidayEntry {
	if h == nil {
		return []sla.HolidayEntry{}
	}
	return h
}

func nonNilClosures(c []sla.Closure) []sla.Closure {
	if c == nil {
		return []sla.Closure{}
	}
	return c
}
