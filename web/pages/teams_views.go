package pages

import "github.com/shopdesk/shopdesk/web/components"

// TeamsView lists teams (tiers) with their members and routing.
type TeamsView struct {
	Shell     components.Shell
	Slug      string
	Teams     []TeamRow
	People    []components.Option
	Calendars []components.Option
	Errors    map[string]string
	Values    map[string]string
}

// TeamRow is one team.
type TeamRow struct {
	ID, Name, Tier, Assignment, CalendarID string
	Members                                []TeamMemberRow
}

// TeamMemberRow is one member of a team with what routing weighs.
type TeamMemberRow struct {
	UserID, Name, Email, Availability, Capacity, Languages, Marketplaces, Channels string
}
