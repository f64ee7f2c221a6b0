package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/i18n"
)

// eventFields name the value set of an event's from/to, so they show as labels, not enum words.
var eventFields = map[string]string{"status": "status", "priority": "priority", "channel": "channel"}

// eventDetail renders an event's data compactly ("from open to resolved", "#12"), known values
// in the reader's language.
func eventDetail(ctx context.Context, kind string, data []byte, person func(string) string) string {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil || len(m) == 0 {
		return ""
	}
	if n, ok := m["number"]; ok {
		return fmt.Sprintf(" #%v", n)
	}
	from, hasFrom := m["from"]
	to, hasTo := m["to"]
	if hasFrom && hasTo {
		if kind == "assigned" {
			return fmt.Sprintf(": %v → %v", person(show(from)), person(show(to)))
		}
		if kind == "team" {
			return fmt.Sprintf(": %v → %v", someTeam(ctx, show(from)), someTeam(ctx, show(to)))
		}
		if field, ok := eventFields[kind]; ok {
			return fmt.Sprintf(": %v → %v", ValueText(ctx, field, show(from)), ValueText(ctx, field, show(to)))
		}
		return fmt.Sprintf(": %v → %v", show(from), show(to))
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "by" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %v", k, show(m[k])))
	}
	return ": " + strings.Join(parts, ", ")
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
		return x
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, fmt.Sprint(e))
		}
		if len(s) == 0 {
			return "—"
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(v)
}

// ruleFiredText is a rule's audit line: which rule, which conditions matched, what it did.
func ruleFiredText(ctx context.Context, data []byte) string {
	var ev struct {
		Rule       string `json:"rule"`
		Conditions []struct {
			Field, Op, Value string
			Matched          bool
		} `json:"conditions"`
		Actions []struct{ Type, Value string } `json:"actions"`
	}
	if json.Unmarshal(data, &ev) != nil {
		return i18n.T(ctx, "event.rule_fired")
	}
	var conds, acts []string
	for _, c := range ev.Conditions {
		s := i18n.T(ctx, "rules.field."+c.Field) + " " + i18n.T(ctx, "rules.op."+c.Op)
		if c.Value != "" {
			s += " “" + ValueText(ctx, c.Field, c.Value) + "”"
		}
		if c.Matched {
			s += " ✓"
		} else {
			s += " ✗"
		}
		conds = append(conds, s)
	}
	for _, a := range ev.Actions {
		s := i18n.T(ctx, "rules.action."+a.Type)
		if _, err := uuid.Parse(a.Value); a.Value != "" && err != nil {
			s += " " + ValueText(ctx, a.Type, a.Value)
		}
		acts = append(acts, s)
	}
	out := i18n.T(ctx, "event.rule_fired") + " “" + ev.Rule + "”"
	if len(conds) > 0 {
		out += ": " + strings.Join(conds, ", ")
	}
	if len(acts) > 0 {
		out += " → " + strings.Join(acts, ", ")
	}
	return out
}

// slaEventText names the target that warned or breached, and its policy.
func slaEventText(ctx context.Context, kind string, data []byte) string {
	var ev struct{ Metric, Policy string }
	_ = json.Unmarshal(data, &ev)
	out := i18n.T(ctx, "event."+kind) + ": " + i18n.T(ctx, "sla.metric."+ev.Metric)
	if ev.Policy != "" {
		out += " (" + PresetText(ctx, ev.Policy) + ")"
	}
	return out
}

// byText says which automation made a change ("rule: Pre-sale first").
// byText says who made a change: the customer, a rule or an SLA policy ("rule:Name", "sla:Name").
func byText(ctx context.Context, data []byte) string {
	var ev struct{ By string }
	if json.Unmarshal(data, &ev) != nil || ev.By == "" {
		return ""
	}
	who, name, _ := strings.Cut(ev.By, ":")
	switch who {
	case "customer":
		return " · " + i18n.T(ctx, "event.by_customer")
	case "rule":
		return " · " + i18n.T(ctx, "event.by_rule", name)
	case "sla":
		if name == "" {
			return " · " + i18n.T(ctx, "event.by_sla_unnamed")
		}
		return " · " + i18n.T(ctx, "event.by_sla", PresetText(ctx, name))
	}
	return " · " + strings.Replace(ev.By, ":", ": ", 1)
}

// someTeam keeps an id out of the timeline: a team event names no team the page knows.
func someTeam(ctx context.Context, v string) string {
	if _, err := uuid.Parse(v); err == nil {
		return i18n.T(ctx, "event.a_team")
	}
	return v
}
