package pages

import (
	"context"

	"github.com/a-h/templ"

	"github.com/shopdesk/shopdesk/internal/i18n"
)

// PropFields are the ticket's properties in the order the block shows them.
var PropFields = []string{"assignee", "status", "snooze", "priority", "team", "tags", "category"}

// PropNote is what the properties block says next to one control after a change: saved (with
// the undo of a status change), restored by an undo, or refused with the reason.
type PropNote struct {
	Field string
	Saved bool
	// Error is the refusal's message key; the control shows the stored value again.
	Error string
	// UndoID and UndoFrom offer to take a status change back to UndoFrom.
	UndoID   int64
	UndoFrom string
	Undone   bool
}

// propPath is where a property's form posts (the existing action routes).
func propPath(field string) string {
	switch field {
	case "assignee":
		return "/assign"
	case "snooze":
		return "/status"
	}
	return "/" + field
}

func otherStatusField(field string) string {
	if field == "status" {
		return "snooze"
	}
	return "status"
}

// propAttrs makes a control save itself on change with htmx, and ties a refusal to it.
func propAttrs(t TicketView, field string, note PropNote) templ.Attributes {
	a := templ.Attributes{
		"hx-post":    t.action(propPath(field)),
		"hx-include": "closest form",
		"hx-target":  "closest form",
		"hx-swap":    "outerHTML",
		"hx-trigger": "change",
	}
	if note.Field == field && note.Error != "" {
		a["aria-invalid"] = "true"
		a["aria-describedby"] = field + "-error"
	}
	return a
}

// storedAttrs are a text property's attributes: its htmx save and the stored value it returns to
// when a change is refused.
func storedAttrs(t TicketView, field string, note PropNote, stored string) templ.Attributes {
	a := propAttrs(t, field, note)
	a["data-stored"] = stored
	return a
}

func (t TicketView) team() string {
	if !t.Detail.Ticket.TeamID.Valid {
		return ""
	}
	return t.Detail.Ticket.TeamID.UUID.String()
}

// snoozeValue is the snooze time as the datetime-local control spells it, in the viewer's zone.
func (t TicketView) snoozeValue(ctx context.Context) string {
	if t.Detail.Ticket.Status != "snoozed" || t.Detail.Ticket.SnoozedUntil == nil {
		return ""
	}
	return t.Detail.Ticket.SnoozedUntil.In(i18n.FromContext(ctx).Location()).Format("2006-01-02T15:04")
}
