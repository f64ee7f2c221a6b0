package ui

import (
	"net/http"
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
			for i := range c.Data.Week {
				v.Week[i] = automation.SpansText(c.Data.Week[i])
			}
			var hol, clo []string
			for _, hd := range c.Data.Holidays {
				hol = append(hol, strings.TrimSpace(hd.Date+" "+hd.Name))
			}
			for _, cl := range c.Data.Closures {
				clo = append(clo, automation.ClosureText(cl, loc))
			}
			v.Values["holidays"], v.Values["closures"] = strings.Join(hol, "\n"), strings.Join(clo, "\n")
			v.Holidays = len(c.Data.Holidays)
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
		in.Week[i] = automation.SpansText(spans)
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
	in := automation.CalendarInput{Name: r.PostFormValue("name"), TimeZone: r.PostFormValue("time_zone"), Holidays: r.PostFormValue("holidays"),
		Closures: r.PostFormValue("closures"), AddCountry: r.PostFormValue("add_country")}
	for i := range in.Week {
		in.Week[i] = r.PostFormValue("day_" + strconv.Itoa(i))
	}
	if err = inputProblems(r); err == nil {
		_, err = h.Automation.SaveCalendar(ctx, sc, id, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		// Everything entered comes back, the country to import included.
		v.Values = map[string]string{"name": in.Name, "time_zone": in.TimeZone, "holidays": in.Holidays, "closures": in.Closures, "add_country": in.AddCountry}
		v.Week = in.Week
		v.Errors = fe
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
