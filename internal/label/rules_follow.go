package label

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// followInRules points rules that name a renamed or merged tag (a "tag" condition, an "add_tag"
// action) or category (a "set_category" action) at its new name, in the caller's transaction,
// so a rule keeps doing what it did. It returns the names of the rules it changed, for the
// audit line. (A deleted name is left in place, as in saved views: the rule then visibly
// names a tag no ticket has, where dropping the condition would silently widen it.)
func followInRules(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, kind, from, to string) ([]string, error) {
	rows, err := q.RuleList(ctx, sc.TenantID())
	if err != nil {
		return nil, fmt.Errorf("label: rules: %w", err)
	}
	changed := []string{}
	for _, r := range rows {
		var cond rule.Group
		var acts []rule.Action
		if err := json.Unmarshal(r.Conditions, &cond); err != nil {
			return nil, fmt.Errorf("label: rule %s conditions: %w", r.ID, err)
		}
		if err := json.Unmarshal(r.Actions, &acts); err != nil {
			return nil, fmt.Errorf("label: rule %s actions: %w", r.ID, err)
		}
		hit := false
		if kind == Tag {
			hit = renameInGroup(&cond, from, to)
		}
		action := "add_tag"
		if kind == Category {
			action = "set_category"
		}
		for i, a := range acts {
			if a.Type == action && sameName(kind, a.Value, from) {
				acts[i].Value = to
				hit = true
			}
		}
		if !hit {
			continue
		}
		c, err := json.Marshal(cond)
		if err != nil {
			return nil, err
		}
		a, err := json.Marshal(acts)
		if err != nil {
			return nil, err
		}
		if _, err := q.RuleUpdate(ctx, dbsqlc.RuleUpdateParams{TenantID: sc.TenantID(), ID: r.ID, Name: r.Name, Position: r.Position,
			Enabled: r.Enabled, Trigger: r.Trigger, Minutes: r.Minutes, Conditions: c, Actions: a, Stop: r.Stop}); err != nil {
			return nil, fmt.Errorf("label: rule %s: %w", r.ID, err)
		}
		changed = append(changed, r.Name)
	}
	return changed, nil
}

// renameInGroup renames the tag in every "tag" condition of the group and its nested groups.
func renameInGroup(g *rule.Group, from, to string) bool {
	hit := false
	for i, c := range g.Conditions {
		if c.Field == "tag" && sameName(Tag, c.Value, from) {
			g.Conditions[i].Value = to
			hit = true
		}
	}
	for i := range g.Groups {
		if renameInGroup(&g.Groups[i], from, to) {
			hit = true
		}
	}
	return hit
}

// sameName says whether a rule's value names the catalogue entry: rules store what the admin
// typed, which may differ in case or spacing from the catalogue's normal form.
func sameName(kind, value, name string) bool {
	n, ok := normalize(kind, value)
	return ok && n == name
}
