package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/holiday"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/web/components"
	"github.com/shopdesk/shopdesk/web/pages"
)

func (h *Handler) hoursView(r *http.Request, current uuid.UUID) (pages.HoursView, []automation.Calendar, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	cals, err := h.Automation.Calendars(ctx, sc)
	if err != nil {
		return pages.HoursView{}, nil, err
	}
	// Country names in the reader's language, in the language's order.
	pr := i18n.FromContext(ctx)
	byName := map[string]string{}
	var names []string
	for _, c := range holiday.Countries() {
		name := pr.Country(c.Code)
		byName[name] = c.Code
		names = append(names, name)
	}
	pr.Sort(names)
	countries := []components.Option{{Value: "", Label: "—"}}
	for _, name := range names {
		countries = append(countries, components.Option{Value: byName[name], Label: name})
	}
	v := pages.HoursView{Shell: h.shell(r, i18n.T(ctx, "settings.hours"), "settings"), Slug: sc.Workspace.Slug, Countries: countries,
		TimeZones: timeZones, Values: map[string]string{"time_zone": sc.Workspace.TimeZone}}
	if current == uuid.Nil && len(cals) > 0 {
		current = cals[0].ID
	}
	found := false
	for _, c := range cals {
		v.Calendars = append(v.Calendars, pages.CalendarLink{ID: c.ID.String(), Name: c.Name, TimeZone: c.TimeZone, Default: c.IsDefault, Current: c.ID == current})
		if c.ID == current {
			found = true
			loc, err := time.LoadLocation(c.TimeZone)
			if err != nil {
				loc = time.UTC
			}
			v.ID = c.ID.String()
			v.Values = map[string]string{"name": c.Name, "time_zone": c.TimeZone}
			var week [7][]automation.IntervalInput
			for i := range c.Data.Week {
				week[i] = automation.IntervalInputs(c.Data.Week[i])
			}
			var clo []string
			for _, cl := range c.Data.Closures {
				clo = append(clo, automation.ClosureText(cl, loc))
			}
			v.Values["closures"] = strings.Join(clo, "\n")
			fillHoursForm(&v, week, automation.HolidayInputs(c.Data.Holidays), nil, time.Now().In(loc))
		}
	}
	if current != uuid.Nil && !found {
		return v, cals, store.ErrNotFound
	}
	return v, cals, nil
}

func (h *Handler) showHours(w http.ResponseWriter, r *http.Request) {
	v, _, err := h.hoursView(r, uuid.Nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.Hours(v))
}

func (h *Handler) showCalendar(w http.ResponseWriter, r *http.Request) {
	id, err := uuidParam(r, "calendarID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, _, err := h.hoursView(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.Hours(v))
}

func (h *Handler) createCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	tz := r.PostFormValue("time_zone")
	if tz == "" {
		tz = sc.Workspace.TimeZone
	}
	in := automation.CalendarInput{Name: r.PostFormValue("name"), TimeZone: tz}
	for i, spans := range sla.DefaultWeek() {
		in.Week[i] = automation.IntervalInputs(spans)
	}
	var id uuid.UUID
	err := inputProblems(r)
	if err == nil {
		id, err = h.Automation.SaveCalendar(ctx, sc, uuid.Nil, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, _, verr := h.hoursView(r, uuid.Nil)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.NewErrors = fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.Hours(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "hours.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/hours/"+id.String())
}

func (h *Handler) saveCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "calendarID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, _, err := h.hoursView(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := calendarForm(r)
	imported := ""
	if c := r.PostFormValue("imported_country"); c != "" && c == in.AddCountry {
		// The list already holds this country's holidays from a refused save.
		imported, in.AddCountry = c, ""
	}
	if err = inputProblems(r); err == nil {
		_, err = h.Automation.SaveCalendar(ctx, sc, id, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		h.renderCalendarProblems(w, r, v, in, imported, fe)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "hours.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/hours/"+id.String())
}

// renderCalendarProblems shows a refused calendar form with everything as entered: each row
// where it was (so its message sits on it), and a chosen country's holidays added to the list,
// the country still chosen.
func (h *Handler) renderCalendarProblems(w http.ResponseWriter, r *http.Request, v pages.HoursView, in automation.CalendarInput, imported string, fe map[string]string) {
	ctx := r.Context()
	hols := in.Holidays
	if list := holiday.Of(in.AddCountry); list != nil {
		have := map[string]bool{}
		for _, hd := range hols {
			have[strings.TrimSpace(hd.Date)] = true
		}
		n := 0
		for _, hd := range list {
			// A country list may name one date twice (two feasts on one day); the row is one.
			if !have[hd.Date] {
				have[hd.Date] = true
				hols = append(hols, automation.HolidayInput{Date: hd.Date, Name: hd.Name})
				n++
			}
		}
		imported = in.AddCountry
		v.ImportNote = i18n.N(ctx, "hours.imported", n, i18n.FromContext(ctx).Country(in.AddCountry))
	}
	country := in.AddCountry
	if imported != "" {
		country = imported
	}
	v.Values = map[string]string{"name": in.Name, "time_zone": in.TimeZone, "closures": in.Closures, "add_country": country}
	v.Imported = imported
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil || in.TimeZone == "" {
		loc = time.UTC
	}
	fillHoursForm(&v, in.Week, hols, fe, time.Now().In(loc))
	v.Errors = fe
	h.render(w, r, http.StatusUnprocessableEntity, pages.Hours(v))
}

// Row limits: a day has a handful of intervals; a holiday list a few countries' worth of years.
const (
	maxDayIntervals = 24
	maxHolidayRows  = 1000
)

// calendarForm reads the business-hours form: each day's interval rows (day_D_start_N,
// day_D_end_N, day_D_next_N) and the holiday rows (hol_date_N, hol_name_N), in page order.
func calendarForm(r *http.Request) automation.CalendarInput {
	v := r.PostFormValue
	in := automation.CalendarInput{Name: v("name"), TimeZone: v("time_zone"), Closures: v("closures"), AddCountry: v("add_country")}
	for d := range in.Week {
		p := "day_" + strconv.Itoa(d) + "_"
		for _, n := range rowIndices(r, p, []string{"start_", "end_", "next_"}, maxDayIntervals) {
			in.Week[d] = append(in.Week[d], automation.IntervalInput{Start: v(p + "start_" + n), End: v(p + "end_" + n), NextDay: v(p+"next_"+n) != ""})
		}
	}
	for _, n := range rowIndices(r, "hol_", []string{"date_", "name_"}, maxHolidayRows) {
		in.Holidays = append(in.Holidays, automation.HolidayInput{Date: v("hol_date_" + n), Name: v("hol_name_" + n)})
	}
	return in
}

// fillHoursForm lays rows out for the form, numbered by their position (the numbers the errors
// use), each list ending with one empty row so a browser without JavaScript can add one per save.
// Holidays before today fold away under Past, those a year or more ahead under Later.
func fillHoursForm(v *pages.HoursView, week [7][]automation.IntervalInput, hols []automation.HolidayInput, errs map[string]string, today time.Time) {
	from, until := today.Format(time.DateOnly), today.AddDate(1, 0, 0).Format(time.DateOnly)
	for d := range week {
		day := pages.HoursDay{Index: d}
		for k, iv := range week[d] {
			day.Rows = append(day.Rows, pages.IntervalRow{N: strconv.Itoa(k), Start: iv.Start, End: iv.End, NextDay: iv.NextDay,
				Error: errs["day_"+strconv.Itoa(d)+"_"+strconv.Itoa(k)]})
		}
		if n := len(week[d]); n == 0 || !week[d][n-1].Blank() {
			day.Rows = append(day.Rows, pages.IntervalRow{N: strconv.Itoa(n)})
		}
		day.Next = len(day.Rows)
		v.Days[d] = day
	}
	v.Upcoming, v.Past, v.Later, v.HolidayCount, v.PastOpen, v.LaterOpen = nil, nil, nil, 0, false, false
	for k, hd := range hols {
		row := pages.HolidayRow{N: strconv.Itoa(k), Date: hd.Date, Name: hd.Name, Error: errs["holiday_"+strconv.Itoa(k)]}
		if !hd.Blank() {
			v.HolidayCount++
		}
		date := strings.TrimSpace(hd.Date)
		if _, err := time.Parse(time.DateOnly, date); err == nil && date < from {
			v.Past = append(v.Past, row)
			v.PastOpen = v.PastOpen || row.Error != ""
			continue
		} else if err == nil && date >= until {
			v.Later = append(v.Later, row)
			v.LaterOpen = v.LaterOpen || row.Error != ""
			continue
		}
		v.Upcoming = append(v.Upcoming, row)
	}
	// Rows keep their numbers (the errors use them), so each list can show in date order; rows
	// without a valid date stay last, where they were typed.
	for _, list := range [][]pages.HolidayRow{v.Upcoming, v.Past, v.Later} {
		slices.SortStableFunc(list, func(a, b pages.HolidayRow) int { return strings.Compare(sortDate(a.Date), sortDate(b.Date)) })
	}
	n := len(hols)
	if n == 0 || !hols[n-1].Blank() {
		v.Upcoming = append(v.Upcoming, pages.HolidayRow{N: strconv.Itoa(n)})
		n++
	}
	v.NextHoliday = n
}

// sortDate orders a holiday row: by its date, or after every date when it has none yet.
func sortDate(d string) string {
	if _, err := time.Parse(time.DateOnly, strings.TrimSpace(d)); err != nil {
		return "~"
	}
	return strings.TrimSpace(d)
}
