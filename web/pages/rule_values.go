package pages

import (
	"context"
	"slices"
	"strings"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/web/components"
)

// textOps are the operators whose value is text to look for, whatever the field.
var textOps = []string{"contains", "not_contains", "regex"}

// noValueActions need no value.
var noValueActions = []string{"raise_priority", "escalate"}

// pickFields are the condition fields whose value comes from a known set.
var pickFields = []string{"channel", "marketplace", "store", "language", "tag", "order_status", "priority", "status"}

// pickActions are the action types whose value comes from a known set.
var pickActions = []string{"set_priority", "apply_sla", "assign_team", "assign_agent", "add_tag", "set_category", "set_status", "notify"}

// ruleStatuses are the statuses a rule may set.
var ruleStatuses = []string{"open", "pending", "resolved", "closed"}

// CondPickKey is which value control a condition row uses: its field's known set, or "" (text)
// when the field has none or the operator looks for text.
func CondPickKey(field, op string) string {
	if slices.Contains(textOps, op) || !slices.Contains(pickFields, field) {
		return ""
	}
	return field
}

// ActPickKey is which value control an action row uses: its type's known set, or "" (text).
func ActPickKey(typ string) string {
	if slices.Contains(pickActions, typ) {
		return typ
	}
	return ""
}

// PickName is the form name of a row's known-set value control for key.
func PickName(prefix, n, key string) string { return prefix + "_pick_" + n + "_" + key }

// RuleChoice is one choice with an id and a name (a team, a person, a policy).
type RuleChoice struct{ ID, Name string }

// RuleValueData is the workspace's data the value pickers offer.
type RuleValueData struct {
	Marketplaces, Stores, Tags, Categories, Languages []string
	Teams, People, Policies                           []RuleChoice
}

// ValueSets are the choices of each condition field and action type that has a known set;
// a field whose set is empty (no tags yet) is typed as text.
type ValueSets struct {
	Conditions, Actions map[string][]components.Option
}

// RuleValueSets builds every field's and action's choices, labelled in the reader's language.
func RuleValueSets(ctx context.Context, d RuleValueData) *ValueSets {
	labelled := func(values []string, label func(string) string) []components.Option {
		out := make([]components.Option, 0, len(values))
		for _, v := range values {
			out = append(out, components.Option{Value: v, Label: label(v)})
		}
		return out
	}
	byID := func(cs []RuleChoice) []components.Option {
		out := make([]components.Option, 0, len(cs))
		for _, c := range cs {
			out = append(out, components.Option{Value: c.ID, Label: c.Name})
		}
		return out
	}
	priority := func(v string) string { return i18n.T(ctx, "priority."+v) }
	status := func(v string) string { return statusLabel(ctx, v) }
	notify := labelled([]string{"assignee", "team", "admins"}, func(v string) string { return i18n.T(ctx, "rules.notify_target."+v) })
	s := &ValueSets{
		Conditions: map[string][]components.Option{
			"channel":      channelOptions(ctx),
			"marketplace":  marketplaceOptions(ctx, d.Marketplaces),
			"store":        valueOptions(d.Stores),
			"language":     customerLanguageOptions(ctx, d.Languages...),
			"tag":          valueOptions(d.Tags),
			"order_status": labelled(conversation.OrderStatuses, func(v string) string { return orderStatusLabel(ctx, v) }),
			"priority":     labelled(conversation.Priorities, priority),
			"status":       labelled(conversation.Statuses, status),
		},
		Actions: map[string][]components.Option{
			"set_priority": labelled(conversation.Priorities, priority),
			"apply_sla":    byID(d.Policies),
			"assign_team":  byID(d.Teams),
			"assign_agent": byID(d.People),
			"add_tag":      valueOptions(d.Tags),
			"set_category": valueOptions(d.Categories),
			"set_status":   labelled(ruleStatuses, status),
			"notify":       append(notify, byID(d.People)...),
		},
	}
	return s
}

// choices are a set's options for a row: an empty first choice (nothing picked yet), and the
// row's own value when the set no longer has it, so a saved rule re-opens as it was.
func choices(opts []components.Option, value string) []components.Option {
	out := make([]components.Option, 0, len(opts)+2)
	out = append(out, components.Option{Value: "", Label: "—"})
	found := value == ""
	for _, o := range opts {
		found = found || o.Value == value
	}
	out = append(out, opts...)
	if !found {
		out = append(out, components.Option{Value: value, Label: value})
	}
	return out
}

// condKeys and actKeys are the keys with choices, in the form's order.
func (s *ValueSets) condKeys() []string { return s.keys(rule.FieldNames, s.Conditions) }
func (s *ValueSets) actKeys() []string  { return s.keys(rule.ActionTypes, s.Actions) }

func (s *ValueSets) keys(order []string, sets map[string][]components.Option) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, k := range order {
		if len(sets[k]) > 0 {
			out = append(out, k)
		}
	}
	return out
}

// condActive is the key of the control a condition row shows: "" for text.
func (s *ValueSets) condActive(c ConditionRow) string {
	k := CondPickKey(c.Field, c.Op)
	if s == nil || len(s.Conditions[k]) == 0 {
		return ""
	}
	return k
}

// actActive is the key of the control an action row shows: "" for text, "-" for none.
func (s *ValueSets) actActive(a ActionRow) string {
	if slices.Contains(noValueActions, a.Type) {
		return "-"
	}
	k := ActPickKey(a.Type)
	if s == nil || len(s.Actions[k]) == 0 {
		return ""
	}
	return k
}

func spaced(list []string) string { return strings.Join(list, " ") }

func errIf(ok bool, err string) string {
	if ok {
		return err
	}
	return ""
}

// selectedIf keeps a row's value as a choice only in the control it belongs to.
func selectedIf(ok bool, v string) string {
	if ok {
		return v
	}
	return ""
}

func (s *ValueSets) conditionSets() map[string][]components.Option {
	if s == nil {
		return nil
	}
	return s.Conditions
}

func (s *ValueSets) actionSets() map[string][]components.Option {
	if s == nil {
		return nil
	}
	return s.Actions
}
