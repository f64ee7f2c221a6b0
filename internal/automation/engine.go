// Package automation runs what happens to a ticket by itself, inside the transaction that changed
// it: the rules engine (facts, ordered rules, actions, an audit line per rule that fired), the SLA
// clocks (package sla) and routing (package routing). Its own changes never re-enter it, so a rule
// cannot trigger itself.
package automation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/language"
	"github.com/shopdesk/shopdesk/internal/routing"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Engine is the automation service.
type Engine struct {
	st     *store.Store
	SLA    *sla.Engine
	Router *routing.Router
	jobs   *river.Client[pgx.Tx]
	Now    func() time.Time
	// compiled caches compiled rules by id, ruleLists each workspace's enabled rules (see
	// enabledRules).
	compiled, ruleLists sync.Map
}

// New builds the engine; UseJobs gives it the River client once that exists.
func New(st *store.Store, now func() time.Time) *Engine {
	e := &Engine{st: st, Now: now}
	rec := func(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, kind string, data map[string]any) error {
		return conversation.RecordEvent(ctx, q, tx, system(tenantID), ticketID, kind, data)
	}
	e.SLA = &sla.Engine{Now: e.now, Escalate: e, Record: rec}
	e.Router = &routing.Router{Record: rec}
	return e
}

// UseJobs gives the engine (and its SLA clocks) the River client.
func (e *Engine) UseJobs(c *river.Client[pgx.Tx]) {
	e.jobs = c
	e.SLA.Jobs = c
}

func system(tenantID uuid.UUID) tenant.Scope {
	return tenant.Scope{Workspace: tenant.Workspace{ID: tenantID}}
}

// triggersOf: a new ticket is also a received customer message.
func triggersOf(c conversation.TicketChange) []string {
	switch c.Trigger {
	case conversation.TriggerCreated:
		return []string{rule.TriggerCreated, rule.TriggerCustomerMsg}
	case conversation.TriggerUpdated:
		return nil
	}
	return []string{c.Trigger}
}

// TicketChanged runs rules for the change, then the SLA clocks, then routing.
func (e *Engine) TicketChanged(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, c conversation.TicketChange) error {
	tid := sc.TenantID()
	before, err := q.TicketByIDForUpdate(ctx, dbsqlc.TicketByIDForUpdateParams{TenantID: tid, ID: c.TicketID})
	if err != nil {
		return fmt.Errorf("automation: lock ticket %d: %w", c.TicketID, err)
	}
	rules, err := e.enabledRules(ctx, q, tid)
	if err != nil {
		return err
	}
	triggers := triggersOf(c)
	needHours := slices.ContainsFunc(rules, func(r rule.Rule) bool { return r.Conditions.Uses("business_hours") })
	facts, row, err := e.loadFacts(ctx, q, tid, c.TicketID, c.MessageID, needHours)
	if err != nil {
		return fmt.Errorf("automation: facts of ticket %d: %w", c.TicketID, err)
	}
	if c.Trigger == conversation.TriggerCreated {
		if err := e.classifyNew(ctx, q, tid, c.TicketID, facts, row); err != nil {
			return err
		}
	}
	fired := false
	for _, trig := range triggers {
		for _, f := range rule.Evaluate(rules, trig, facts, true) {
			fired = true
			if err := e.fire(ctx, q, tx, tid, c.TicketID, f, trig, facts); err != nil {
				return err
			}
		}
	}
	if c.Trigger == conversation.TriggerCreated || c.Trigger == conversation.TriggerCustomerMsg {
		if err := e.scheduleSinceCustomer(ctx, q, tx, tid, c.TicketID, before.LastCustomerAt, rules); err != nil {
			return err
		}
	}
	// The row read under the lock is still the ticket unless a rule changed it.
	after := before
	if fired {
		if after, err = q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: c.TicketID}); err != nil {
			return err
		}
	}
	if after.SlaDueAt, err = e.SLA.RecomputeTicket(ctx, q, tx, after, facts); err != nil {
		return err
	}
	if !timeEq(before.SlaDueAt, after.SlaDueAt) && after.SlaDueAt != nil {
		if err := e.scheduleBeforeDue(ctx, tx, tid, c.TicketID, *after.SlaDueAt, rules); err != nil {
			return err
		}
	}
	return e.route(ctx, q, tx, tid, before, after)
}

// route assigns a new or returned ticket in a team, and lets a team's queue move when an agent's
// ticket leaves their plate (resolved, reassigned, moved to another team).
func (e *Engine) route(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tid uuid.UUID, before, after dbsqlc.TicketRow) error {
	if !after.AssigneeID.Valid && after.TeamID.Valid {
		if _, err := e.Router.Route(ctx, q, tx, tid, after.ID); err != nil {
			return err
		}
	}
	active := func(t dbsqlc.TicketRow) bool { return t.Status == "open" || t.Status == "pending" }
	if before.AssigneeID.Valid && (!active(after) || after.AssigneeID != before.AssigneeID) {
		teams, err := q.TeamsOfMember(ctx, dbsqlc.TeamsOfMemberParams{TenantID: tid, UserID: before.AssigneeID.UUID})
		if err != nil {
			return err
		}
		for _, team := range teams {
			if _, err := e.Router.Drain(ctx, q, tx, tid, team); err != nil {
				return err
			}
		}
	}
	return nil
}

// classifyNew detects a new ticket's language and whether it is a pre-sale question.
func (e *Engine) classifyNew(ctx context.Context, q *dbsqlc.Queries, tid uuid.UUID, ticketID int64, f *rule.Facts, row dbsqlc.RuleFactsRow) error {
	if f.Language == "" {
		if lang := language.Detect(row.Subject + "\n" + row.Body); lang != "" {
			if err := q.TicketSetLanguage(ctx, dbsqlc.TicketSetLanguageParams{TenantID: tid, ID: ticketID, Language: lang}); err != nil {
				return err
			}
			f.Language = lang
		}
	}
	if !f.Presale && !f.HasOrder && productQuestion(row.Subject, row.Body) {
		if err := q.TicketSetPresale(ctx, dbsqlc.TicketSetPresaleParams{TenantID: tid, ID: ticketID, Presale: true}); err != nil {
			return err
		}
		f.Presale = true
	}
	return nil
}

// fire applies a matched rule's actions and writes its audit line: which rule, on what, which
// conditions matched, what it did.
func (e *Engine) fire(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tid uuid.UUID, ticketID int64, f rule.Fired, trigger string, facts *rule.Facts) error {
	conds := make([]map[string]any, 0, len(f.Outcomes))
	for _, o := range f.Outcomes {
		conds = append(conds, map[string]any{"field": o.Condition.Field, "op": o.Condition.Op, "value": o.Condition.Value, "matched": o.Matched})
	}
	if err := conversation.RecordEvent(ctx, q, tx, system(tid), ticketID, "rule_fired", map[string]any{
		"rule": f.Rule.Name, "rule_id": f.Rule.ID.String(), "trigger": trigger, "conditions": conds, "actions": f.Rule.Actions,
	}); err != nil {
		return err
	}
	return e.apply(ctx, q, tx, tid, ticketID, f.Rule.Actions, "rule:"+f.Rule.Name, facts)
}

// Escalate runs an SLA policy's escalation actions (sla.Escalator).
func (e *Engine) Escalate(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tid uuid.UUID, ticketID int64, actions []rule.Action, why string) error {
	facts, _, err := e.loadFacts(ctx, q, tid, ticketID, 0, false)
	if err != nil {
		return err
	}
	before, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: ticketID})
	if err != nil {
		return err
	}
	if err := e.apply(ctx, q, tx, tid, ticketID, actions, why, facts); err != nil {
		return err
	}
	after, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: ticketID})
	if err != nil {
		return err
	}
	return e.route(ctx, q, tx, tid, before, after)
}

func (e *Engine) enabledRules(ctx context.Context, q *dbsqlc.Queries, tid uuid.UUID) (out []rule.Rule, err error) {
	now := time.Now()
	if c, ok := e.ruleLists.Load(tid); ok && now.Sub(c.(cachedRules).at) < rulesTTL {
		return c.(cachedRules).rules, nil
	}
	rows, err := q.RulesEnabled(ctx, tid)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err == nil {
			e.ruleLists.Store(tid, cachedRules{at: now, rules: out})
		}
	}()
	out = make([]rule.Rule, 0, len(rows))
	for _, r := range rows {
		// Compiled rules (regular expressions, lower-cased needles) are kept per version, so an
		// event pays for reading the rows, not for compiling them again.
		if c, ok := e.compiled.Load(r.ID); ok && c.(compiledRule).updatedAt.Equal(r.UpdatedAt) {
			out = append(out, c.(compiledRule).rule)
			continue
		}
		rr, err := fromRow(r)
		if err != nil {
			return nil, err
		}
		e.compiled.Store(r.ID, compiledRule{updatedAt: r.UpdatedAt, rule: rr})
		out = append(out, rr)
	}
	return out, nil
}

// rulesTTL bounds how long a process reuses a workspace's enabled rules without reading them
// again; changes through this process are seen at once (forgetRules).
const rulesTTL = 10 * time.Second

type cachedRules struct {
	at    time.Time
	rules []rule.Rule
}

func (e *Engine) forgetRules(tid uuid.UUID) { e.ruleLists.Delete(tid) }

type compiledRule struct {
	updatedAt time.Time
	rule      rule.Rule
}

// fromRow reads and compiles a stored rule.
func fromRow(r dbsqlc.Rule) (rule.Rule, error) {
	out := rule.Rule{ID: r.ID, Name: r.Name, Position: r.Position, Enabled: r.Enabled, Trigger: r.Trigger, Minutes: r.Minutes, Stop: r.Stop}
	if err := json.Unmarshal(r.Conditions, &out.Conditions); err != nil {
		return out, fmt.Errorf("automation: rule %s conditions: %w", r.Name, err)
	}
	if err := json.Unmarshal(r.Actions, &out.Actions); err != nil {
		return out, fmt.Errorf("automation: rule %s actions: %w", r.Name, err)
	}
	if err := out.Conditions.Compile(); err != nil {
		return out, fmt.Errorf("automation: rule %s: %w", r.Name, err)
	}
	return out, nil
}

func timeEq(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}
