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

// CalendarInput is the business-hours form: each weekday's opening intervals (as many as the
// day has; a day without any is closed), the holidays as date and name rows, closures one per
// line ("2026-12-31 14:00 - 2027-01-02 09:00 Inventory"), and optionally a country whose shipped
// holidays are added. Rows with nothing entered are skipped; errors name the day and row
// ("day_0_1", "holiday_3") by their position in the input.
type CalendarInput struct {
	Name, TimeZone string
	Week           [7][]IntervalInput // Monday first
	Holidays       []HolidayInput
	Closures       string
	AddCountry     string
	Default        bool
}

// IntervalInput is one opening interval as entered: wall-clock times "HH:MM". An end of 00:00
// is midnight; NextDay makes the end the next morning's (a night shift, 22:00 until 06:00).
type IntervalInput struct {
	Start, End string
	NextDay    bool
}

// HolidayInput is one closed date as entered.
type HolidayInput struct {
	Date, Name string
}

// Blank reports a row with nothing entered.
func (iv IntervalInput) Blank() bool {
	return strings.TrimSpace(iv.Start) == "" && strings.TrimSpace(iv.End) == ""
}

// Blank reports a row with nothing entered.
func (h HolidayInput) Blank() bool {
	return strings.TrimSpace(h.Date) == "" && strings.TrimSpace(h.Name) == ""
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

// parseDay reads one weekday's rows into intervals in time order, adding an error per bad row:
// a time that is not HH:MM, a close not after the open (unless it is the next day's), or an
// interval overlapping an earlier one of the same day.
func parseDay(day int, rows []IntervalInput, errs validate.Errors) []sla.Span {
	type row struct {
		span sla.Span
		pos  int
	}
	var ok []row
	for k, iv := range rows {
		if iv.Blank() {
			continue
		}
		key := "day_" + strconv.Itoa(day) + "_" + strconv.Itoa(k)
		a, ok1 := clockMinutes(iv.Start)
		b, ok2 := clockMinutes(iv.End)
		if !ok1 || !ok2 || a >= 24*60 {
			errs.Add(key, "hours.interval_invalid")
			continue
		}
		switch {
		case iv.NextDay:
			b += 24 * 60
		case b == 0:
			b = 24 * 60 // closes at midnight
		}
		if b <= a {
			errs.Add(key, "hours.interval_order")
			continue
		}
		if b-a > 24*60 {
			errs.Add(key, "hours.interval_too_long")
			continue
		}
		ok = append(ok, row{sla.Span{Start: a, End: b}, k})
	}
	slices.SortStableFunc(ok, func(x, y row) int { return x.span.Start - y.span.Start })
	var out []sla.Span
	for i, r := range ok {
		if i > 0 && r.span.Start < ok[i-1].span.End {
			// The message sits on the row entered later, the one to change.
			pos := max(r.pos, ok[i-1].pos)
			errs.Add("day_"+strconv.Itoa(day)+"_"+strconv.Itoa(pos), "hours.interval_overlap")
			continue
		}
		out = append(out, r.span)
	}
	return out
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

// IntervalInputs writes a day's stored intervals as the form's rows.
func IntervalInputs(spans []sla.Span) []IntervalInput {
	out := make([]IntervalInput, 0, len(spans))
	for _, s := range spans {
		iv := IntervalInput{Start: clockText(s.Start), End: clockText(s.End % (24 * 60))}
		iv.NextDay = s.End > 24*60
		out = append(out, iv)
	}
	return out
}

func clockText(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// HolidayInputs writes stored holidays as the form's rows.
func HolidayInputs(hs []sla.HolidayEntry) []HolidayInput {
	out := make([]HolidayInput, 0, len(hs))
	for _, h := range hs {
		out = append(out, HolidayInput{Date: h.Date, Name: h.Name})
	}
	return out
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
	for i, rows := range in.Week {
		d.Week[i] = parseDay(i, rows, errs)
	}
	d.Holidays = parseHolidays(in.Holidays, errs)
	seen := map[string]bool{}
	for _, h := range d.Holidays {
		seen[h.Date] = true
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
			return uuid.Nil, fmt.Errorf("automation: calendar %q: %w", name, err)
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

// parseHolidays reads the holiday rows: a date each (a name is optional), no date twice.
func parseHolidays(rows []HolidayInput, errs validate.Errors) []sla.HolidayEntry {
	var out []sla.HolidayEntry
	seen := map[string]bool{}
	for k, h := range rows {
		if h.Blank() {
			continue
		}
		key := "holiday_" + strconv.Itoa(k)
		date := strings.TrimSpace(h.Date)
		name := strings.TrimSpace(h.Name)
		switch _, err := time.Parse(time.DateOnly, date); {
		case date == "":
			errs.Add(key, "hours.holiday_date_missing")
		case err != nil:
			errs.Add(key, "hours.holiday_invalid")
		case len(name) > 200:
			errs.Add(key, "hours.holiday_name_long")
		case seen[date]:
			errs.Add(key, "hours.holiday_twice")
		default:
			seen[date] = true
			out = append(out, sla.HolidayEntry{Date: date, Name: name})
		}
	}
	return out
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
