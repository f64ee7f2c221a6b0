package label_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// rule stores a rule as the rules page would, and returns its id.
func (tb *testBundle) rule(t *testing.T, sc tenant.Scope, name string, cond rule.Group, acts []rule.Action) uuid.UUID {
	t.Helper()
	c, err := json.Marshal(cond)
	require.NoError(t, err)
	a, err := json.Marshal(acts)
	require.NoError(t, err)
	var id uuid.UUID
	require.NoError(t, tb.db.Store.InTenantTx(context.Background(), sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		r, err := q.RuleCreate(context.Background(), dbsqlc.RuleCreateParams{TenantID: sc.TenantID(), Name: name, Position: 1, Enabled: true,
			Trigger: rule.TriggerCreated, Conditions: c, Actions: a})
		id = r.ID
		return err
	}))
	return id
}

func (tb *testBundle) ruleOf(t *testing.T, sc tenant.Scope, id uuid.UUID) (rule.Group, []rule.Action) {
	t.Helper()
	var cond rule.Group
	var acts []rule.Action
	require.NoError(t, tb.db.Store.InTenantTx(context.Background(), sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		r, err := q.RuleGet(context.Background(), dbsqlc.RuleGetParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return err
		}
		if err := json.Unmarshal(r.Conditions, &cond); err != nil {
			return err
		}
		return json.Unmarshal(r.Actions, &acts)
	}))
	return cond, acts
}

func (tb *testBundle) lastAuditData(t *testing.T, sc tenant.Scope) map[string]any {
	t.Helper()
	var data map[string]any
	require.NoError(t, tb.db.Store.InTenantTx(context.Background(), sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.AuditList(context.Background(), dbsqlc.AuditListParams{TenantID: sc.TenantID(), MaxRows: 1})
		if err != nil || len(rows) != 1 {
			return err
		}
		return json.Unmarshal(rows[0].Detail, &data)
	}))
	return data
}

func TestRenameAndMergeFollowInRules(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	tb.ticket(t, tb.a, "Shipping", "refund", "vip")
	tb.ticket(t, tb.a, "Delivery", "money back")
	tb.ticket(t, tb.b, "", "refund")

	cond := rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "tag", Op: "has", Value: "Refund"}, {Field: "subject", Op: "contains", Value: "refund"}},
		Groups: []rule.Group{{Mode: "any", Conditions: []rule.Condition{{Field: "tag", Op: "has_not", Value: "refund"}, {Field: "customer_tag", Op: "has", Value: "refund"}}}}}
	acts := []rule.Action{{Type: "add_tag", Value: "refund"}, {Type: "set_category", Value: "Shipping"}, {Type: "set_priority", Value: "1"}}
	named := tb.rule(t, tb.a, "Refunds go first", cond, acts)
	untouched := tb.rule(t, tb.a, "VIP", rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "tag", Op: "has", Value: "vip"}}}, []rule.Action{{Type: "add_tag", Value: "vip"}})
	foreign := tb.rule(t, tb.b, "Refunds", cond, acts)

	_, err := tb.labels.Rename(ctx, tb.a, tb.find(t, tb.a, label.Tag, "refund"), "refunds")
	require.NoError(t, err)
	c, a := tb.ruleOf(t, tb.a, named)
	require.Equal(t, "refunds", c.Conditions[0].Value, "a tag condition follows the rename")
	require.Equal(t, "refund", c.Conditions[1].Value, "a subject condition is text, not the tag")
	require.Equal(t, "refunds", c.Groups[0].Conditions[0].Value, "nested groups follow too")
	require.Equal(t, "refund", c.Groups[0].Conditions[1].Value, "customer tags are not the ticket catalogue")
	require.Equal(t, []rule.Action{{Type: "add_tag", Value: "refunds"}, {Type: "set_category", Value: "Shipping"}, {Type: "set_priority", Value: "1"}}, a)
	c, a = tb.ruleOf(t, tb.a, untouched)
	require.Equal(t, "vip", c.Conditions[0].Value)
	require.Equal(t, "vip", a[0].Value)
	audit := tb.lastAuditData(t, tb.a)
	require.Equal(t, []any{"Refunds go first"}, audit["rules"], "the audit line names the rules that changed")
	c, a = tb.ruleOf(t, tb.b, foreign)
	require.Equal(t, "Refund", c.Conditions[0].Value, "another workspace's rules are untouched")
	require.Equal(t, "refund", a[0].Value)

	// A merge moves the rules to the surviving name; categories follow in set_category.
	_, err = tb.labels.Merge(ctx, tb.a, tb.find(t, tb.a, label.Tag, "refunds"), tb.find(t, tb.a, label.Tag, "money back"))
	require.NoError(t, err)
	c, a = tb.ruleOf(t, tb.a, named)
	require.Equal(t, "money back", c.Conditions[0].Value)
	require.Equal(t, "money back", c.Groups[0].Conditions[0].Value)
	require.Equal(t, "money back", a[0].Value)
	_, err = tb.labels.Merge(ctx, tb.a, tb.find(t, tb.a, label.Category, "Shipping"), tb.find(t, tb.a, label.Category, "Delivery"))
	require.NoError(t, err)
	_, a = tb.ruleOf(t, tb.a, named)
	require.Equal(t, "Delivery", a[1].Value)
	require.Equal(t, "label.merged", tb.lastAudit(t, tb.a))
	require.Equal(t, []any{"Refunds go first"}, tb.lastAuditData(t, tb.a)["rules"])
}
