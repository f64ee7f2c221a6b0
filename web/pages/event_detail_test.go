package pages

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Every kind of event the trail holds, with data as its writer stores it, reads as words in each
// language: people and teams by name, codes through the catalogs — never an id, an enum word or a
// catalog key.
func TestTimelineNamesAndLocalisesEveryEventKind(t *testing.T) {
	t.Parallel()
	ana, bob, gone := uuid.New(), uuid.New(), uuid.New()
	teamID, deletedTeam, policyID := uuid.New(), uuid.New(), uuid.New()
	tv := TicketView{Detail: conversation.Detail{
		Names: map[uuid.UUID]string{ana: "Ana Pop", bob: "Bob Kim"},
		Teams: []dbsqlc.Team{{ID: teamID, Name: "Returns desk"}},
	}}
	until := time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC).Format(time.RFC3339)
	rule := map[string]any{"rule": "VIP first", "rule_id": uuid.NewString(), "trigger": "status_changed",
		"conditions": []map[string]any{
			{"field": "channel", "op": "is", "value": "email", "matched": true},
			{"field": "priority", "op": "is_not", "value": "low", "matched": true},
			{"field": "status", "op": "is", "value": "pending", "matched": false},
			{"field": "language", "op": "is", "value": "ko", "matched": true},
			{"field": "presale", "op": "is_true", "matched": true},
		},
		"actions": []map[string]any{
			{"type": "set_priority", "value": "urgent"}, {"type": "set_status", "value": "resolved"},
			{"type": "assign_team", "value": teamID.String()}, {"type": "assign_agent", "value": ana.String()},
			{"type": "apply_sla", "value": policyID.String()}, {"type": "notify", "value": "assignee"},
			{"type": "notify", "value": bob.String()}, {"type": "add_tag", "value": "vip"}, {"type": "raise_priority"},
			{"type": "escalate"}, {"type": "set_category", "value": "returns"},
		}}
	events := map[string][]map[string]any{
		"assigned": {
			{"from": "", "to": ana.String()},
			{"from": ana.String(), "to": gone.String(), "by": "rule:VIP first"},
			{"from": "", "to": bob.String(), "by": "routing", "team": "Returns desk", "mode": "round_robin"},
			{"from": bob.String(), "to": ""},
		},
		"status": {
			{"from": "open", "to": "resolved"},
			{"from": "resolved", "to": "open", "by": "customer"},
			{"from": "open", "to": "snoozed", "until": until},
			{"from": "resolved", "to": "open", "why": "reply_failed"},
			{"from": "pending", "to": "closed", "by": "sla:Amazon 24h"},
		},
		"status_undone":         {{"from": "resolved", "to": "open"}},
		"priority":              {{"from": "normal", "to": "urgent"}, {"from": "high", "to": "low", "by": "rule:VIP first"}},
		"tags":                  {{"from": []string{}, "to": []string{"vip", "refund"}}},
		"category":              {{"from": "", "to": "returns"}},
		"team":                  {{"to": "Returns desk", "tier": 2, "by": "sla:Amazon 24h"}, {"from": "", "to": "Returns desk", "tier": 1, "unassigned": bob.String()}, {"from": "Returns desk", "to": ""}},
		"sla_policy":            {{"policy": "Amazon 24h", "by": "rule:VIP first"}},
		"sla_warning":           {{"metric": "first_response", "due": until, "policy": "Amazon 24h"}},
		"sla_breached":          {{"metric": "next_response", "due": until, "policy": "Amazon 24h"}, {"metric": "resolution", "due": until}},
		"action_skipped":        {{"action": "assign_team", "value": deletedTeam.String(), "reason": "no such team", "by": "rule:VIP first"}, {"action": "assign_agent", "value": gone.String(), "reason": "not a member", "by": "sla:Amazon 24h"}, {"action": "apply_sla", "value": policyID.String(), "reason": "policy deleted"}, {"action": "assign_agent", "value": bob.String(), "reason": "no access to the channel"}, {"action": "apply_sla", "value": "x", "reason": "bad policy id"}},
		"rule_fired":            {rule},
		"reply_failed":          {{"message_id": 12, "reason": "550 5.1.1 mailbox unavailable"}},
		"reply_bounced":         {{"message_id": 12, "reason": "550 5.1.1 mailbox unavailable"}},
		"reply_superseded":      {{"message_id": 12, "replacement_id": 13}},
		"resend":                {{"message_id": 12}},
		"sent_elsewhere":        {{"message_id": 12}},
		"merged_into":           {{"number": 12, "merge_id": 3}},
		"merged_from":           {{"number": 11, "merge_id": 3, "messages": 3}, {"number": 11, "merge_id": 4, "messages": 1}},
		"merge_undone":          {{"number": 12, "merge_id": 3}},
		"split_out":             {{"number": 14, "message_id": 40}},
		"split_from":            {{"number": 9, "message_id": 40}},
		"woke":                  {{"until": until}},
		"customer_merged":       {{"from": "Ana B.", "to": "Ana Pop", "customer_merge_id": 2}},
		"customer_merge_undone": {{"from": "Ana Pop", "to": "Ana B.", "customer_merge_id": 2}},
		"no_response":           {{"message_id": 40, "on": true}, {"message_id": 40, "on": false}},
	}
	uuidRE := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	codeRE := regexp.MustCompile(`\b[a-z]+_[a-z_]+\b|\b(event|rules|sla|status|priority|ticket|channel)\.[a-z_]+|\b(rule|sla):`)
	enums := regexp.MustCompile(`\b(open|pending|resolved|closed|snoozed|urgent|high|normal|low|email|routing|customer|assignee|team|admins|first_response|next_response|resolution)\b`)
	for _, lang := range i18n.Languages {
		ctx := i18n.WithPrinter(context.Background(), i18n.NewPrinter(lang, time.UTC))
		for kind, list := range events {
			for _, data := range list {
				raw, err := json.Marshal(data)
				require.NoError(t, err)
				line := tv.eventLine(ctx, kind, raw)
				require.NotEmpty(t, line)
				require.NotRegexp(t, uuidRE, line, "%s %s: %s", lang, kind, raw)
				require.NotRegexp(t, codeRE, line, "%s %s: %s", lang, kind, raw)
				if lang != "en" {
					// English words are the codes themselves; in Korean and Romanian none may show.
					require.NotRegexp(t, enums, line, "%s %s: %s", lang, kind, raw)
				}
				if strings.Contains(string(raw), "Returns desk") {
					require.Contains(t, line, "Returns desk", "%s %s: %s", lang, kind, raw)
				}
			}
		}
	}

	en := i18n.WithPrinter(context.Background(), i18n.NewPrinter("en", time.UTC))
	line := func(kind string, data map[string]any) string {
		raw, _ := json.Marshal(data)
		return tv.eventLine(en, kind, raw)
	}
	require.Equal(t, "Assignee changed: Unassigned → Ana Pop", line("assigned", map[string]any{"from": "", "to": ana.String()}))
	require.Equal(t, "Assignee changed: Ana Pop → a former member · by rule “VIP first”", line("assigned", map[string]any{"from": ana.String(), "to": gone.String(), "by": "rule:VIP first"}))
	require.Equal(t, "Priority changed: Normal → Urgent", line("priority", map[string]any{"from": "normal", "to": "urgent"}))
	require.Equal(t, "Status changed: Open → Snoozed until Dec 6, 2026, 9:30 AM", line("status", map[string]any{"from": "open", "to": "snoozed", "until": until}))
	require.Contains(t, line("rule_fired", rule), "Channel is “Email” ✓")
	require.Contains(t, line("rule_fired", rule), "Assign to team “Returns desk”")
	ko := i18n.WithPrinter(context.Background(), i18n.NewPrinter("ko", time.UTC))
	raw, _ := json.Marshal(map[string]any{"from": "normal", "to": "urgent"})
	require.Equal(t, "우선순위 변경: 보통 → 긴급", tv.eventLine(ko, "priority", raw))
	if testing.Verbose() {
		for _, lang := range i18n.Languages {
			ctx := i18n.WithPrinter(context.Background(), i18n.NewPrinter(lang, time.UTC))
			for kind, list := range events {
				raw, _ := json.Marshal(list[0])
				t.Log(lang, kind, tv.eventLine(ctx, kind, raw))
			}
		}
	}
}
