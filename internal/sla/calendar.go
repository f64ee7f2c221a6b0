package sla

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopdesk/shopdesk/internal/businesshours"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Span is one opening interval of a day in minutes from midnight; End may pass 1440 for an
// overnight shift.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// HolidayEntry is one closed date.
type HolidayEntry struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

// Closure is a one-off closed period.
type Closure struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	Name string    `json:"name"`
}

// CalendarData is a stored calendar's content; Week is Monday first.
type CalendarData struct {
	Week     [7][]Span
	Holidays []HolidayEntry
	Closures []Closure
}

// DecodeCalendar reads a stored calendar.
func DecodeCalendar(c dbsqlc.Calendar) (CalendarData, error) {
	var d CalendarData
	var week [][]Span
	if err := json.Unmarshal(c.Week, &week); err != nil {
		return d, fmt.Errorf("sla: calendar %s week: %w", c.Name, err)
	}
	for i := 0; i < 7 && i < len(week); i++ {
		d.Week[i] = week[i]
	}
	if err := json.Unmarshal(c.Holidays, &d.Holidays); err != nil {
		return d, fmt.Errorf("sla: calendar %s holidays: %w", c.Name, err)
	}
	if err := json.Unmarshal(c.Closures, &d.Closures); err != nil {
		return d, fmt.Errorf("sla: calendar %s closures: %w", c.Name, err)
	}
	return d, nil
}

// Build turns stored content into clock arithmetic's calendar.
func (d CalendarData) Build(zone string) (*businesshours.Calendar, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("sla: calendar zone %q: %w", zone, err)
	}
	c := &businesshours.Calendar{Location: loc, Holidays: map[businesshours.Date]bool{}}
	for i, spans := range d.Week {
		wd := time.Weekday((i + 1) % 7) // Monday first → time.Weekday
		for _, s := range spans {
			c.Week[wd] = append(c.Week[wd], businesshours.Interval{Start: time.Duration(s.Start) * time.Minute, End: time.Duration(s.End) * time.Minute})
		}
	}
	for _, h := range d.Holidays {
		t, err := time.Parse(time.DateOnly, h.Date)
		if err != nil {
			return nil, fmt.Errorf("sla: holiday %q: %w", h.Date, err)
		}
		c.Holidays[businesshours.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}] = true
	}
	for _, cl := range d.Closures {
		c.Closures = append(c.Closures, businesshours.Range{From: cl.From, To: cl.To})
	}
	return c, c.Validate()
}

// DefaultWeek is Monday to Friday, 09:00-17:00: the calendar a workspace starts with.
func DefaultWeek() [7][]Span {
	var w [7][]Span
	for i := range 5 {
		w[i] = []Span{{Start: 9 * 60, End: 17 * 60}}
	}
	return w
}

// EncodeWeek stores a week.
func EncodeWeek(w [7][]Span) []byte {
	out := make([][]Span, 7)
	for i := range w {
		out[i] = w[i]
		if out[i] == nil {
			out[i] = []Span{}
		}
	}
	b, _ := json.Marshal(out)
	return b
}
