package automation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// MaxConditions and MaxActions bound the rows one form may post (the form adds rows as needed;
// the bound only keeps a hostile post from costing much).
const (
	MaxConditions = 50
	MaxActions    = 50
)

// RuleInput is the rule form. Action values name things as people do (a team's or policy's name,
// a person's email); they are stored by id.
type RuleInput struct {
	Name       string
	Trigger    string
	Minutes    string
	Match      string
	Conditions []rule.Condition
	Actions    []rule.Action
	Stop       bool
	Enabled    bool
	Position   string
}

// Rules lists the workspace's rules in order.
func (e *Engine) Rules(ctx context.Context, sc tenant.Scope) ([]rule.Rule, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return nil, err
	}
	var out []rule.Rule
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.RuleList(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		for _, r := range rows {
			rr, err := fromRow(r)
			if err != nil {
				return err
			}
			out = append(out, rr)
		}
		return nil
	})
	return out, err
}

// Rule loads one rule.
func (e *Engine) Rule(ctx context.Context, sc tenant.Scope, id uuid.UUID) (rule.Rule, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return rule.Rule{}, err
	}
	var out rule.Rule
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		r, err := q.RuleGet(ctx, dbsqlc.RuleGetParams{TenantID: sc.TenantID(), ID: id})
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		out, err = fromRow(r)
		return err
	})
	return out, err
}

// check validates the form and resolves action values to ids.
func (e *Engine) check(ctx context.Context, q *dbsqlc.Queries, tid uuid.UUID, in RuleInput) (rule.Rule, error) {
	errs := validate.Errors{}
	r := rule.Rule{Name: strings.TrimSpace(in.Name), Trigger: in.Trigger, Stop: in.Stop, Enabled: in.Enabled}
	if r.Name == "" || len(r.Name) > 100 {
		errs.Add("name", "rules.name_required")
	}
	if !slices.Contains(rule.Triggers, r.Trigger) {
		errs.Add("trigger", "rules.trigger_invalid")
	}
	if r.Trigger == rule.TriggerSinceCustomer || r.Trigger == rule.TriggerBeforeDue {
		n, err := strconv.Atoi(strings.TrimSpace(in.Minutes))
		if err != nil || n < 1 || n > 60*24*30 {
			errs.Add("minutes", "rules.minutes_invalid")
		}
		r.Minutes = int32(n)
	}
	if p := strings.TrimSpace(in.Position); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			errs.Add("position", "rules.position_invalid")
		}
		r.Position = int32(n)
	}
	r.Conditions = checkConditions(in.Match, in.Conditions, errs)
	var err error
	if r.Actions, err = e.checkActions(ctx, q, tid, "act", in.Actions, errs); err != nil {
		return r, err
	}
	if len(r.Actions) == 0 {
		errs.Add("act_0", "rules.action_required")
	}
	return r, errs.Err()
}

// checkConditions reads a form's condition rows into a group; a bad row is reported on its own
// field (cond_N), empty rows are skipped.
func checkConditions(mode string, in []rule.Condition, errs validate.Errors) rule.Group {
	g := rule.Group{Mode: mode}
	for i, c := range in {
		if c.Field == "" {
			continue
		}
		c.Value = strings.TrimSpace(c.Value)
		one := rule.Group{Conditions: []rule.Condition{c}}
		if err := one.Compile(); err != nil {
			key := "rules.condition_invalid"
			var ce *rule.ConditionError
			if errors.As(err, &ce) {
				key = ce.Reason
			}
			errs.Add("cond_"+strconv.Itoa(i), key)
			continue
		}
		g.Conditions = append(g.Conditions, c)
	}
	if err := g.Compile(); err != nil && len(errs) == 0 {
		errs.Add("match", "rules.condition_invalid")
	}
	return g
}

// checkActions reads a form's action rows (prefix_N) and resolves their values to ids.
func (e *Engine) checkActions(ctx context.Context, q *dbsqlc.Queries, tid uuid.UUID, prefix string, in []rule.Action, errs validate.Errors) ([]rule.Action, error) {
	var out []rule.Action
	for i, a := range in {
		if a.Type == "" {
			continue
		}
		a.Value = strings.TrimSpace(a.Value)
		v, key, err := e.resolveAction(ctx, q, tid, a)
		if err != nil {
			return nil, err
		}
		if key != "" {
			errs.Add(prefix+"_"+strconv.Itoa(i), key)
			continue
		}
		out = append(out, rule.Action{Type: a.Type, Value: v})
	}
	return out, nil
}

// personID finds a member by email or id.
func personID(ctx context.Context, q *dbsqlc.Queries, tid uuid.UUID, value string) (string, string, error) {
	ms, err := q.MembershipList(ctx, tid)
	if err != nil {
		return "", "", err
	}
	for _, m := range ms {
		if strings.EqualFold(m.Email, value) || m.UserID.String() == value {
			return m.UserID.String(), "", nil
		}
	}
	return "", "rules.person_unknown", nil
}

// resolveAction checks an action and turns names into ids; key is the problem, if any.
func (e *Engine) resolveAction(ctx context.Context, q *dbsqlc.Queries, tid uuid.UUID, a rule.Action) (string, string, error) {
	switch a.Type {
	case "set_priority":
		if !slices.Contains(conversation.Priorities, a.Value) {
			return "", "rules.priority_invalid", nil
		}
	case "raise_priority", "escalate":
		return "", "", nil
	case "add_tag":
		tags := conversation.NormalizeTags([]string{a.Value})
		if len(tags) != 1 {
			return "", "rules.value_required", nil
		}
		return tags[0], "", nil
	case "set_category":
		if a.Value == "" || len(a.Value) > 80 {
			return "", "rules.value_required", nil
		}
	case "set_status":
		if !slices.Contains([]string{"open", "pending", "resolved", "closed"}, a.Value) {
			return "", "rules.status_invalid", nil
		}
	case "apply_sla":
		p, err := q.SLAPolicyByName(ctx, dbsqlc.SLAPolicyByNameParams{TenantID: tid, Name: a.Value})
		if errors.Is(err, pgx.ErrNoRows) {
			if id, perr := uuid.Parse(a.Value); perr == nil {
				if p, err = q.SLAPolicyGet(ctx, dbsqlc.SLAPolicyGetParams{TenantID: tid, ID: id}); err == nil {
					return p.ID.String(), "", nil
				}
			}
			return "", "rules.policy_unknown", nil
		} else if err != nil {
			return "", "", err
		}
		return p.ID.String(), "", nil
	case "assign_team":
		teams, err := q.TeamList(ctx, tid)
		if err != nil {
			return "", "", err
		}
		for _, t := range teams {
			if strings.EqualFold(t.Name, a.Value) || t.ID.String() == a.Value {
				return t.ID.String(), "", nil
			}
		}
		return "", "rules.team_unknown", nil
	case "assign_agent":
		return personID(ctx, q, tid, a.Value)
	case "notify":
		if a.Value == "assignee" || a.Value == "team" || a.Value == "admins" {
			return a.Value, "", nil
		}
		return personID(ctx, q, tid, a.Value)
	default:
		return "", "rules.action_invalid", nil
	}
	return a.Value, "", nil
}

// SaveRule creates (id uuid.Nil) or updates a rule.
func (e *Engine) SaveRule(ctx context.Context, sc tenant.Scope, id uuid.UUID, in RuleInput) (uuid.UUID, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return uuid.Nil, err
	}
	defer e.forgetRules(sc.TenantID())
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		r, err := e.check(ctx, q, sc.TenantID(), in)
		if err != nil {
			return err
		}
		conds, _ := json.Marshal(r.Conditions)
		acts, _ := json.Marshal(r.Actions)
		if strings.TrimSpace(in.Position) == "" {
			if id != uuid.Nil {
				old, err := q.RuleGet(ctx, dbsqlc.RuleGetParams{TenantID: sc.TenantID(), ID: id})
				if err != nil {
					return notFound(err)
				}
				r.Position = old.Position
			} else {
				n, err := q.RuleMaxPosition(ctx, sc.TenantID())
				if err != nil {
					return err
				}
				r.Position = n + 10
			}
		}
		if id == uuid.Nil {
			row, err := q.RuleCreate(ctx, dbsqlc.RuleCreateParams{TenantID: sc.TenantID(), Name: r.Name, Position: r.Position, Enabled: r.Enabled,
				Trigger: r.Trigger, Minutes: r.Minutes, Conditions: conds, Actions: acts, Stop: r.Stop})
			if c, ok := store.UniqueViolation(err); ok && c != "" {
				return validate.Errors{"name": "rules.name_taken"}
			} else if err != nil {
				return err
			}
			id = row.ID
		} else {
			n, err := q.RuleUpdate(ctx, dbsqlc.RuleUpdateParams{TenantID: sc.TenantID(), ID: id, Name: r.Name, Position: r.Position, Enabled: r.Enabled,
				Trigger: r.Trigger, Minutes: r.Minutes, Conditions: conds, Actions: acts, Stop: r.Stop})
			if c, ok := store.UniqueViolation(err); ok && c != "" {
				return validate.Errors{"name": "rules.name_taken"}
			} else if err != nil {
				return err
			}
			if n == 0 {
				return store.ErrNotFound
			}
		}
		return tenant.Audit(ctx, q, sc, "rule.saved", map[string]any{"rule": r.Name, "enabled": r.Enabled})
	})
	return id, err
}

// SetRuleEnabled switches a rule on or off.
func (e *Engine) SetRuleEnabled(ctx context.Context, sc tenant.Scope, id uuid.UUID, on bool) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	defer e.forgetRules(sc.TenantID())
	return e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.RuleSetEnabled(ctx, dbsqlc.RuleSetEnabledParams{TenantID: sc.TenantID(), ID: id, Enabled: on})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return tenant.Audit(ctx, q, sc, "rule.enabled", map[string]any{"rule": id.String(), "enabled": on})
	})
}

// DeleteRule removes a rule.
func (e *Engine) DeleteRule(ctx context.Context, sc tenant.Scope, id uuid.UUID) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	defer e.forgetRules(sc.TenantID())
	return e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.RuleDelete(ctx, dbsqlc.RuleDeleteParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return tenant.Audit(ctx, q, sc, "rule.deleted", map[string]any{"rule": id.String()})
	})
}

// DryRun is what a rule would do to a ticket now.
type DryRun struct {
	Number   int64
	Subject  string
	Matched  bool
	Outcomes []rule.Outcome
	Actions  []rule.Action
}

// DryRunRule evaluates a stored rule against a ticket without changing anything (the transaction
// only reads).
func (e *Engine) DryRunRule(ctx context.Context, sc tenant.Scope, id uuid.UUID, number int64) (DryRun, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return DryRun{}, err
	}
	out := DryRun{Number: number}
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		row, err := q.RuleGet(ctx, dbsqlc.RuleGetParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return notFound(err)
		}
		r, err := fromRow(row)
		if err != nil {
			return err
		}
		t, err := q.TicketByNumber(ctx, dbsqlc.TicketByNumberParams{TenantID: sc.TenantID(), Number: number})
		if errors.Is(err, pgx.ErrNoRows) {
			return validate.Errors{"ticket": "rules.ticket_unknown"}
		} else if err != nil {
			return err
		}
		out.Subject = t.Subject
		facts, _, err := e.loadFacts(ctx, q, sc.TenantID(), t.ID, 0, r.Conditions.Uses("business_hours"))
		if err != nil {
			return err
		}
		out.Matched = r.Conditions.Match(facts, &out.Outcomes)
		out.Actions = r.Actions
		return nil
	})
	return out, err
}

func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// ActionLabel shows an action's value as people know it (names, not ids).
func (e *Engine) ActionLabels(ctx context.Context, sc tenant.Scope) (map[string]string, error) {
	labels := map[string]string{}
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		teams, err := q.TeamList(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		for _, t := range teams {
			labels[t.ID.String()] = t.Name
		}
		pols, err := q.SLAPolicyList(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		for _, p := range pols {
			labels[p.ID.String()] = p.Name
		}
		ms, err := q.MembershipList(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		for _, m := range ms {
			labels[m.UserID.String()] = m.Email
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("automation: labels: %w", err)
	}
	return labels, nil
}
