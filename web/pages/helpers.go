package pages

import (
	"context"
	"strings"

	"github.com/a-h/templ"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/components"
)

// languageOptions lists the interface languages, each named in its own language.
func languageOptions(withAuto bool, ctx context.Context) []components.Option {
	var out []components.Option
	if withAuto {
		out = append(out, components.Option{Value: "", Label: i18n.T(ctx, "common.language_auto")})
	}
	names := i18n.Names()
	for _, l := range i18n.Languages {
		out = append(out, components.Option{Value: l, Label: names[l]})
	}
	return out
}

// roleOptions lists the roles with translated names.
func roleOptions(ctx context.Context) []components.Option {
	return []components.Option{
		{Value: "agent", Label: i18n.T(ctx, "roles.agent")},
		{Value: "manager", Label: i18n.T(ctx, "roles.manager")},
		{Value: "admin", Label: i18n.T(ctx, "roles.admin")},
	}
}

func roleLabel(ctx context.Context, role string) string {
	switch role {
	case "agent", "manager", "admin":
		return i18n.T(ctx, "roles."+role)
	}
	return role
}

func jobStateLabel(ctx context.Context, state string) string {
	switch state {
	case "running", "available", "scheduled", "retryable", "discarded", "cancelled", "completed":
		return i18n.T(ctx, "jobs.state_"+state)
	}
	return state
}

// classAttr is the class attribute of an element rendered in a loop (a list row, a message):
// templ's class={ … } builds and deduplicates a set of names per element, which was a fifth of a
// list row's rendering time. Empty names are skipped, so a condition can pass when(ok, "name").
func classAttr(names ...string) templ.OrderedAttributes {
	var b strings.Builder
	for _, n := range names {
		if n == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n)
	}
	return templ.OrderedAttributes{{Key: "class", Value: b.String()}}
}

// when is name if ok, else nothing (for classAttr).
func when(ok bool, name string) string {
	if ok {
		return name
	}
	return ""
}
