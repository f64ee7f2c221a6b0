package pages

import "github.com/shopdesk/shopdesk/web/components"

// TeamsView lists teams (tiers) with their members and routing.
type TeamsView struct {
	Shell        components.Shell
	Slug         string
	Teams        []TeamRow
	People       []components.Option
	Calendars    []components.Option
	Marketplaces []string
	Errors       map[string]string
	Values       map[string]string
	// A member form refused on save: which one (MemberFormKey) and what it held, shown at its fields.
	Member MemberForm
	// A team's own form refused on save: which team and what it held, shown at its fields.
	Team TeamForm
}

// TeamForm is a team's settings form as posted.
type TeamForm struct {
	ID             string
	Values, Errors map[string]string
}

// teamValue is what a team's form field shows: the refused post for that team, else the stored value.
func (v TeamsView) teamValue(t TeamRow, field, stored string) string {
	if v.Team.ID == t.ID {
		return v.Team.Values[field]
	}
	return stored
}

func (v TeamsView) teamError(t TeamRow, field string) string {
	if v.Team.ID == t.ID {
		return v.Team.Errors[field]
	}
	return ""
}

// TeamRow is one team.
type TeamRow struct {
	ID, Name, Tier, Assignment, CalendarID string
	Members                                []TeamMemberRow
}

// TeamMemberRow is one member of a team with what routing weighs in that team.
type TeamMemberRow struct {
	UserID, Name, Email, Availability, Capacity string
	Languages, Marketplaces, Channels           []string
}

// MemberForm is a member form as posted: Key is MemberFormKey(team, user) ("new" for the add form).
type MemberForm struct {
	Key, UserID, Capacity             string
	Languages, Marketplaces, Channels []string
	Errors                            map[string]string
}

// MemberFormKey names one member form on the page.
func MemberFormKey(teamID, userID string) string { return teamID + "/" + userID }

func (v TeamsView) memberForm(teamID string, m TeamMemberRow) MemberForm {
	key := MemberFormKey(teamID, m.UserID)
	if v.Member.Key == key {
		return v.Member
	}
	capacity := m.Capacity
	if capacity == "—" {
		capacity = ""
	}
	return MemberForm{Key: key, UserID: m.UserID, Capacity: capacity, Languages: m.Languages, Marketplaces: m.Marketplaces, Channels: m.Channels}
}

func (v TeamsView) newMemberForm(teamID string) MemberForm {
	key := MemberFormKey(teamID, "new")
	if v.Member.Key == key {
		return v.Member
	}
	return MemberForm{Key: key}
}
