package pages

import (
	"unicode"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

// RailCookie remembers that a person narrowed the inbox's views column (web/static/js/list.js
// writes it; the inbox reads it so the page renders as they left it).
const RailCookie = "sd_views_rail"

// initials are the first letters of a name's first two words.
func initials(name string) string {
	var out []rune
	start := true
	for _, r := range name {
		if unicode.IsSpace(r) {
			start = true
			continue
		}
		if start && len(out) < 2 {
			out = append(out, unicode.ToUpper(r))
		}
		start = false
	}
	return string(out)
}

// viewIcon is the sprite symbol of a view, what the narrowed views column shows.
func viewIcon(view string) string {
	switch view {
	case conversation.ViewUnassigned:
		return "unassigned"
	case conversation.ViewMine:
		return "user"
	case conversation.ViewPresale:
		return "bag"
	case conversation.ViewBreaching:
		return "alert"
	case conversation.ViewPending:
		return "hourglass"
	case conversation.ViewSnoozed:
		return "snooze"
	case conversation.ViewResolved:
		return "check"
	case conversation.ViewClosed:
		return "archive"
	}
	return "inbox"
}

func channelIcon(ch string) string {
	switch ch {
	case "email":
		return "mail"
	case "webshop", "other":
		return "globe"
	}
	return "store"
}

// emptyView is the catalog key part of a view's empty state.
func emptyView(view string) string {
	for _, v := range conversation.Views {
		if v == view {
			return v
		}
	}
	return conversation.ViewOpen
}

// viewKey and viewValue are the parameter that defines a channel or marketplace view, kept when
// the filters are cleared.
func viewKey(f conversation.Filter) string {
	switch f.View {
	case conversation.ViewChannel:
		return "channel"
	case conversation.ViewMarketplace:
		return "marketplace"
	}
	return ""
}

func viewValue(f conversation.Filter) string {
	switch f.View {
	case conversation.ViewChannel:
		return f.Channel
	case conversation.ViewMarketplace:
		return f.Marketplace
	}
	return ""
}

// listHref is the list the ticket was opened from.
func (t TicketView) listHref() string {
	u := "/w/" + t.Slug + "/inbox"
	if len(t.Params) > 0 {
		u += "?" + t.Params.Encode()
	}
	return u
}
