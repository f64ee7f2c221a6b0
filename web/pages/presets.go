package pages

import (
	"context"
	"strings"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/sla"
)

// PresetText shows a marketplace preset's name or rule in the reader's language while a policy
// still carries the preset's own English text; a text an admin wrote is shown as written.
func PresetText(ctx context.Context, s string) string {
	for _, p := range sla.Presets {
		switch s {
		case p.HardDeadline:
			return i18n.T(ctx, "sla.preset_rule."+p.Key)
		case p.Name:
			if k := "sla.preset_name." + p.Key; i18n.T(ctx, k) != k {
				return i18n.T(ctx, k)
			}
		}
	}
	return s
}

// valuePrefixes name the catalog prefix of the labels of a rule field's or action's values.
var valuePrefixes = map[string]string{
	"channel": "channel.", "priority": "priority.", "set_priority": "priority.", "status": "status.",
	"set_status": "status.", "order_status": "order.status.", "notify": "rules.notify_target.",
}

// ValueText shows a value from a known set (a channel, priority, status, order status, language)
// by its label in the reader's language; any other value, such as a tag or a word to look for,
// as written.
func ValueText(ctx context.Context, field, v string) string {
	if prefix, ok := valuePrefixes[field]; ok {
		key := prefix + strings.ReplaceAll(strings.ToLower(strings.TrimSpace(v)), " ", "_")
		if s := i18n.T(ctx, key); s != key {
			return s
		}
	}
	if field == "language" {
		if s, ok := i18n.Names()[v]; ok {
			return s
		}
	}
	return v
}

// orderStatusLabel is a marketplace order status in the reader's language, or as the
// marketplace wrote it when it is not one we know.
