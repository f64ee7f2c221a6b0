package pages

import (
	"context"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/label"
)

// ViewsPane is the inbox's saved views, the one open, its forms' problems and the filters'
// pickers built from the workspace's data.
type ViewsPane struct {
	Items   []SavedViewItem
	Current *SavedViewItem
	// Changed: the open saved view's list has other filters or sort than it was saved with.
	Changed bool
	// CanShare: the person may save views for the whole workspace (managers and admins).
	CanShare bool
	Admin    bool
	Pickers  label.Pickers
	// The "Save as view" form coming back with problems.
	SaveErrors map[string]string
	SaveName   string
	SaveShared bool
	// The rename form of the open view coming back with problems.
	EditErrors map[string]string
	EditName   string
}

// SavedViewItem is one saved view in the sidebar.
type SavedViewItem struct {
	ID, Name, Href   string
	Shared, Editable bool
	Count            int
}

func (v InboxView) isSaved(id string) bool {
	return !v.Searching && v.Views.Current != nil && v.Views.Current.ID == id
}

// viewsAction is a saved view action's URL carrying the list's parameters, so the action
// returns to (or saves) the list it was sent from.
func (v InboxView) viewsAction(path string) string {
	u := "/w/" + v.Slug + "/views" + path
	if len(v.Params) > 0 {
		u += "?" + v.Params.Encode()
	}
	return u
}

// languageName names a language code in the viewer's language ("Deutsch" → "German").
func languageName(ctx context.Context, code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if n := display.Tags(language.Make(i18n.FromContext(ctx).Lang())).Name(tag); n != "" {
		return n
	}
	return code
}

// filterLanguages are the languages the filter offers: those of the workspace's tickets, and
// the one selected even when no ticket has it any more.
func (v InboxView) filterLanguages() []string {
	out := v.Views.Pickers.Languages
	if l := v.Filter.Language; l != "" && !contains(out, l) {
		out = append(append([]string{}, out...), l)
	}
	return out
}

// withSelected adds the selected value to a picker's choices when the workspace's data no
// longer has it, so the filter in use stays visible and can be cleared.
func withSelected(choices []string, selected string) []string {
	if selected == "" || contains(choices, selected) {
		return choices
	}
	return append(append([]string{}, choices...), selected)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v InboxView) teamSelected(id string) bool {
	return v.Filter.TeamID.String() == id
}
