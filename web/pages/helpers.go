package pages

import (
	"context"

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
