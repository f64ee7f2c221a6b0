// Package components is the UI kit: the page frame (top bar, navigation by role, workspace
// switcher, user menu), the signed-out card page, the settings layout, form fields, flash
// messages and empty states. Components only display their view models.
package components

import "github.com/shopdesk/shopdesk/web/static"

// Shell is the page frame's view model.
type Shell struct {
	Title      string           // page title, already translated
	User       *ShellUser       // nil when signed out
	Workspace  *ShellWorkspace  // the current workspace; nil outside one
	Workspaces []ShellWorkspace // every workspace of the person, for the switcher
	Active     string           // "inbox", "reports", "kb", "settings", "account", "workspaces"
	Flash      *Flash
	// Unread is the person's unread notifications in the current workspace (the bell), at most
	// one more than the bell shows ("99+").
	Unread int
}

// ShellUser is the signed-in person.
type ShellUser struct{ Name, Email string }

// ShellWorkspace is one workspace and the person's role in it.
type ShellWorkspace struct{ Slug, Name, Role, Availability string }

// Flash is a one-time message: Kind is "success", "error" or "info".
type Flash struct{ Kind, Message string }

// Field is one form field. Type "" is text. Error is shown under the field and ties to it through
// aria-describedby; List names a datalist for suggestions.
type Field struct {
	Name, Label, Type, Value, Help, Error, Autocomplete, List string
	Required, ReadOnly                                        bool
	// ID is the element id when the page has several forms with the same field names (ids must be
	// unique for labels and help text to reach the right field); the name otherwise.
	ID string
}

func (f Field) id() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Name
}

// Option is one choice of a Select.
type Option struct{ Value, Label string }

func (s Shell) can(min string) bool {
	if s.Workspace == nil {
		return false
	}
	rank := map[string]int{"agent": 1, "manager": 2, "admin": 3}
	return rank[s.Workspace.Role] >= rank[min]
}

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

func (f Field) describedBy() string {
	ids := ""
	if f.Help != "" {
		ids = f.id() + "-help"
	}
	if f.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += f.id() + "-error"
	}
	return ids
}

func icon(name string) string { return static.Path("icons/sprite.svg") + "#i-" + name }

func wsURL(slug, rest string) string { return "/w/" + slug + rest }

func current(active, name string) string {
	if active == name {
		return "page"
	}
	return ""
}
