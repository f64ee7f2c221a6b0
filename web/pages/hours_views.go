package pages

import "github.com/shopdesk/shopdesk/web/components"

// HoursView is the business-hours page: the calendars and one of them in the form.
type HoursView struct {
	Shell     components.Shell
	Slug      string
	Calendars []CalendarLink
	ID        string // the calendar in the form
	Values    map[string]string
	Week      [7]string // Monday first
	Countries []components.Option
	TimeZones []string
	Errors    map[string]string
	Holidays  int
	NewErrors map[string]string
}

// CalendarLink is one calendar in the list.
type CalendarLink struct {
	ID, Name, TimeZone string
	Default, Current   bool
}
