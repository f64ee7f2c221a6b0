package pages

import "github.com/shopdesk/shopdesk/web/components"

// HoursView is the business-hours page: the calendars and one of them in the form.
type HoursView struct {
	Shell     components.Shell
	Slug      string
	Calendars []CalendarLink
	ID        string // the calendar in the form
	Values    map[string]string
	Days      [7]HoursDay // Monday first
	Countries []components.Option
	TimeZones []string
	Errors    map[string]string
	// Upcoming holidays (the coming year, and rows still being typed); Past ones and those Later
	// than a year from now are folded away.
	Upcoming, Past, Later []HolidayRow
	PastOpen, LaterOpen   bool // a folded row has an error, so its fold starts open
	HolidayCount          int
	NextHoliday           int // the index the next added holiday row takes
	// Imported is the country whose holidays the list already holds from a refused save; the form
	// posts it back so saving again does not add them a second time.
	Imported   string
	ImportNote string
	NewErrors  map[string]string
}

// HoursDay is one weekday's opening intervals in the form.
type HoursDay struct {
	Index int
	Rows  []IntervalRow
	Next  int // the index the next added row takes
}

// IntervalRow is one opening interval's row; N is its index in the field names.
type IntervalRow struct {
	N                 string
	Start, End, Error string
	NextDay           bool
}

// HolidayRow is one holiday's row; N is its index in the field names.
type HolidayRow struct {
	N                 string
	Date, Name, Error string
}

// CalendarLink is one calendar in the list.
type CalendarLink struct {
	ID, Name, TimeZone string
	Default, Current   bool
}
