package pages

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
)

// The timeline's event lines. Events store what happened in stable terms (ids, status and
// priority codes, metric names); each line is written here in the reader's language: people and
// teams by name, every code through the catalogs, times in the reader's zone. A value that no
// longer names anything (a removed member, a deleted team) is said so, never shown as an id.

// eventData is the union of what the trail's events carry.
type eventData struct {
	From        json.RawMessage `json:"from"`
	To          json.RawMessage `json:"to"`
	By          string          `json:"by"`
	Why         string          `json:"why"`
	Until       string          `json:"until"`
	Number      *int64          `json:"number"`
	Messages    *int            `json:"messages"`
	Metric      string          `json:"metric"`
	Policy      string          `json:"policy"`
	Reason      string          `json:"reason"`
	Team        string          `json:"team"`
	Action      string          `json:"action"`
	Value       string          `json:"value"`
	On          *bool           `json:"on"`
	Unassigned  string          `json:"unassigned"`
	Rule        string          `json:"rule"`
	Conditions  []eventCond     `json:"conditions"`
	RuleActions []eventAction   `json:"actions"`
}

type eventCond struct {
	Field, Op, Value string
	Matched          bool
}

type eventAction struct{ Type, Value string }

// eventLine is one event's line in the reader's language.
func (t TicketView) eventLine(ctx context.Context, kind string, raw []byte) string {
	if kind == "order_linked" || kind == "order_unlinked" {
		return orderEventText(ctx, kind, raw)
	}
	var ev eventData
	_ = json.Unmarshal(raw, &ev)
	title := i18n.T(ctx, "event."+kind)
	var detail string
	switch kind {
	case "assigned":
		detail = arrow(t.personName(ctx, str(ev.From)), t.personName(ctx, str(ev.To)))
		if ev.By == "routing" && ev.Team != "" {
			detail += " " + i18n.T(ctx, "event.in_team", ev.Team)
		}
	case "status", "status_undone":
		detail = arrow(statusLabel(ctx, str(ev.From)), statusLabel(ctx, str(ev.To)))
		if until, ok := parseTime(ev.Until); ok {
			detail += " " + i18n.T(ctx, "event.until", i18n.FromContext(ctx).DateTime(until))
		}
		if ev.Why == "reply_failed" {
			detail += " " + i18n.T(ctx, "event.why_reply_failed")
		}
	case "priority":
		detail = arrow(priorityName(ctx, str(ev.From)), priorityName(ctx, str(ev.To)))
	case "tags":
		detail = arrow(orNone(ctx, strings.Join(strs(ev.From), ", ")), orNone(ctx, strings.Join(strs(ev.To), ", ")))
	case "category":
		detail = arrow(orNone(ctx, str(ev.From)), orNone(ctx, str(ev.To)))
	case "team":
		to := orText(str(ev.To), i18n.T(ctx, "ticket.no_team"))
		if len(ev.From) == 0 {
			detail = to // automation's lines name only the new team
		} else {
			detail = arrow(orText(str(ev.From), i18n.T(ctx, "ticket.no_team")), to)
		}
		if ev.Unassigned != "" {
			detail += "; " + i18n.T(ctx, "event.team_unassigned", t.personName(ctx, ev.Unassigned))
		}
	case "sla_policy":
		detail = ev.Policy
	case "sla_warning", "sla_breached":
		detail = i18n.T(ctx, "sla.metric."+ev.Metric)
		if ev.Policy != "" {
			detail += " (" + ev.Policy + ")"
		}
	case "action_skipped":
		detail = t.actionText(ctx, ev.Action, ev.Value) + " — " + skipReason(ctx, ev.Reason)
	case "rule_fired":
		return t.ruleFiredLine(ctx, title, ev)
	case "reply_failed", "reply_bounced":
		detail = ev.Reason // the server's own answer, as it said it
	case "merged_into", "merge_undone", "split_out", "split_from", "merged_from":
		// These titles lead into the ticket's number ("Merged into #12").
		if ev.Number != nil {
			title += " #" + i64(*ev.Number)
		}
		if ev.Messages != nil {
			title += " (" + i18n.N(ctx, "event.messages_moved", *ev.Messages) + ")"
		}
	case "woke":
		if until, ok := parseTime(ev.Until); ok {
			detail = i18n.FromContext(ctx).DateTime(until)
		}
	case "customer_merged", "customer_merge_undone":
		detail = arrow(str(ev.From), str(ev.To))
	case "no_response":
		if ev.On != nil && !*ev.On {
			title = i18n.T(ctx, "event.no_response_off")
		}
	}
	out := title
	if detail != "" {
		out += ": " + detail
	}
	return out + byLine(ctx, ev.By)
}

// ruleFiredLine is a rule's audit line: which rule, which conditions matched, what it did.
func (t TicketView) ruleFiredLine(ctx context.Context, title string, ev eventData) string {
	var conds, acts []string
	for _, c := range ev.Conditions {
		s := i18n.T(ctx, "rules.field."+c.Field) + " " + i18n.T(ctx, "rules.op."+c.Op)
		if c.Value != "" {
			s += " “" + conditionValue(ctx, c.Field, c.Value) + "”"
		}
		if c.Matched {
			s += " ✓"
		} else {
			s += " ✗"
		}
		conds = append(conds, s)
	}
	for _, a := range ev.RuleActions {
		acts = append(acts, t.actionText(ctx, a.Type, a.Value))
	}
	out := title + " “" + ev.Rule + "”"
	if len(conds) > 0 {
		out += ": " + strings.Join(conds, ", ")
	}
	if len(acts) > 0 {
		out += " → " + strings.Join(acts, ", ")
	}
	return out
}

// actionText names a rule action and its value: a priority or status in words, a team or person
// by name; a policy id is left out (the policy's own line names it).
func (t TicketView) actionText(ctx context.Context, typ, value string) string {
	s := i18n.T(ctx, "rules.action."+typ)
	var v string
	switch typ {
	case "set_priority":
		v = priorityName(ctx, value)
	case "set_status":
		v = statusLabel(ctx, value)
	case "assign_team":
		v = t.teamName(ctx, value)
	case "assign_agent":
		v = t.personName(ctx, value)
	case "apply_sla", "raise_priority", "escalate":
	case "notify":
		if _, err := uuid.Parse(value); err == nil {
			v = t.personName(ctx, value)
		} else if value != "" {
			v = i18n.T(ctx, "event.notify."+value)
		}
	default:
		if _, err := uuid.Parse(value); err != nil {
			v = value
		}
	}
	if v != "" {
		s += " “" + v + "”"
	}
	return s
}

// conditionValue shows a condition's value as the rules page does: codes in words.
func conditionValue(ctx context.Context, field, value string) string {
	switch field {
	case "channel":
		return channelLabel(ctx, value)
	case "priority":
		return priorityName(ctx, value)
	case "status":
		return statusLabel(ctx, value)
	case "language":
		if n, ok := i18n.Names()[value]; ok {
			return n
		}
	}
	return value
}

// byLine says what made a change other than a person: a rule, an SLA policy, routing, the
// customer writing again.
func byLine(ctx context.Context, by string) string {
	kind, name, _ := strings.Cut(by, ":")
	switch kind {
	case "":
		return ""
	case "rule":
		return " · " + i18n.T(ctx, "event.by_rule", name)
	case "sla":
		return " · " + i18n.T(ctx, "event.by_sla", name)
	case "routing":
		return " · " + i18n.T(ctx, "event.by_routing")
	case "customer":
		return " · " + i18n.T(ctx, "event.by_customer")
	}
	return ""
}

// skipReason puts automation's reasons for skipping an action in words.
func skipReason(ctx context.Context, reason string) string {
	keys := map[string]string{
		"bad policy id":            "event.skip.policy_deleted",
		"policy deleted":           "event.skip.policy_deleted",
		"no such team":             "event.skip.no_team",
		"bad person id":            "event.skip.not_member",
		"not a member":             "event.skip.not_member",
		"no access to the channel": "event.skip.no_channel",
	}
	if k, ok := keys[reason]; ok {
		return i18n.T(ctx, k)
	}
	return i18n.T(ctx, "event.skip.other")
}

// personName names a member by id; nobody is "Unassigned", someone no longer in the workspace
// is said so.
func (t TicketView) personName(ctx context.Context, id string) string {
	if id == "" {
		return i18n.T(ctx, "ticket.unassigned")
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return i18n.T(ctx, "event.former_member")
	}
	if n, ok := t.Detail.Names[u]; ok && n != "" {
		return n
	}
	return i18n.T(ctx, "event.former_member")
}

func (t TicketView) teamName(ctx context.Context, id string) string {
	for _, team := range t.Detail.Teams {
		if team.ID.String() == id {
			return team.Name
		}
	}
	return i18n.T(ctx, "event.deleted_team")
}

// priorityName is a priority code ("urgent") or index ("0") in words.
func priorityName(ctx context.Context, code string) string {
	if i := slices.Index(conversation.Priorities, code); i >= 0 {
		return priorityLabel(ctx, int16(i))
	}
	if len(code) == 1 && code[0] >= '0' && code[0] <= '3' {
		return priorityLabel(ctx, int16(code[0]-'0'))
	}
	return orNone(ctx, "")
}

func arrow(from, to string) string { return from + " → " + to }

func orNone(ctx context.Context, s string) string { return orText(s, "—") }

func orText(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func str(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

func strs(raw json.RawMessage) []string {
	var out []string
	_ = json.Unmarshal(raw, &out)
	return out
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// someTeam keeps an id out of the timeline: a team event names no team the page knows.
func someTeam(ctx context.Context, v string) string {
	if _, err := uuid.Parse(v); err == nil {
		return i18n.T(ctx, "event.a_team")
	}
	return v
}
