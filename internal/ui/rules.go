package ui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/web/pages"
)

func uuidParam(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(chi.URLParam(r, name))
	if err != nil {
		return uuid.Nil, store.ErrNotFound
	}
	return id, nil
}

// conditionText reads a condition the way an admin would say it.
func conditionText(ctx context.Context, c rule.Condition) string {
	s := i18n.T(ctx, "rules.field."+c.Field) + " " + i18n.T(ctx, "rules.op."+c.Op)
	if c.Value != "" {
		s += " “" + pages.ValueText(ctx, c.Field, c.Value) + "”"
	}
	return s
}

func actionText(ctx context.Context, a rule.Action, labels map[string]string) string {
	s := i18n.T(ctx, "rules.action."+a.Type)
	if a.Value != "" {
		v := a.Value
		if l, ok := labels[v]; ok {
			v = l
		} else {
			v = pages.ValueText(ctx, a.Type, v)
		}
		s += " " + v
	}
	return s
}

func (h *Handler) showRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	rules, err := h.Automation.Rules(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	labels, err := h.Automation.ActionLabels(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := pages.RulesView{Shell: h.shell(r, i18n.T(ctx, "settings.rules"), "settings"), Slug: sc.Workspace.Slug}
	for _, ru := range rules {
		var conds, acts []string
		for _, c := range ru.Conditions.Conditions {
			conds = append(conds, conditionText(ctx, c))
		}
		for _, a := range ru.Actions {
			acts = append(acts, actionText(ctx, a, labels))
		}
		join := " " + i18n.T(ctx, "rules.and") + " "
		if ru.Conditions.Mode == "any" {
			join = " " + i18n.T(ctx, "rules.or") + " "
		}
		trigger := i18n.T(ctx, "rules.trigger."+ru.Trigger)
		if ru.Minutes > 0 {
			trigger += fmt.Sprintf(" (%d min)", ru.Minutes)
		}
		v.Rules = append(v.Rules, pages.RuleRow{ID: ru.ID.String(), Name: ru.Name, Trigger: trigger, Conditions: strings.Join(conds, join),
			Actions: strings.Join(acts, ", "), Position: ru.Position, Enabled: ru.Enabled, Stop: ru.Stop})
	}
	h.render(w, r, http.StatusOK, pages.Rules(v))
}

// ruleInputOf reads the rule form.
func ruleInputOf(r *http.Request) automation.RuleInput {
	v := r.PostFormValue
	in := automation.RuleInput{Name: v("name"), Trigger: v("trigger"), Minutes: v("minutes"), Match: v("match"), Position: v("position"),
		Stop: v("stop") != "", Enabled: v("enabled") != ""}
	in.Conditions = conditionsOf(r)
	in.Actions = actionsOf(r, "act", automation.MaxActions)
	return in
}

// rowIndices lists the row numbers a form posted for fields named prefix+N (any of suffixes), in
// numeric order: rows are added and removed in the browser, so the numbers may have gaps. The row
// a "remove" button named (prefix+N) is left out; an "add" button naming prefix adds an empty row.
func rowIndices(r *http.Request, prefix string, suffixes []string, max int) []string {
	seen := map[int]bool{}
	for key := range r.PostForm {
		for _, suf := range suffixes {
			rest, ok := strings.CutPrefix(key, prefix+suf)
			if !ok {
				continue
			}
			if n, err := strconv.Atoi(rest); err == nil && n >= 0 && n < 10000 {
				seen[n] = true
			}
		}
	}
	nums := make([]int, 0, len(seen))
	for n := range seen {
		if r.PostFormValue("remove") != prefix+strconv.Itoa(n) {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	if len(nums) > max {
		nums = nums[:max]
	}
	out := make([]string, 0, len(nums)+1)
	for _, n := range nums {
		out = append(out, strconv.Itoa(n))
	}
	if r.PostFormValue("add") == prefix && len(out) < max {
		out = append(out, "new")
	}
	return out
}

// conditionsOf reads the condition rows in their order on the page.
func conditionsOf(r *http.Request) []rule.Condition {
	var out []rule.Condition
	for _, n := range rowIndices(r, "cond_", []string{"field_", "op_", "value_"}, automation.MaxConditions) {
		c := rule.Condition{Field: r.PostFormValue("cond_field_" + n), Op: r.PostFormValue("cond_op_" + n)}
		c.Value = rowValue(r, "cond", n, pages.CondPickKey(c.Field, c.Op))
		out = append(out, c)
	}
	return out
}

// actionsOf reads the action rows (prefix_type_N, prefix_value_N) in their order on the page.
func actionsOf(r *http.Request, prefix string, max int) []rule.Action {
	var out []rule.Action
	for _, s := range rowIndices(r, prefix+"_", []string{"type_", "value_"}, max) {
		a := rule.Action{Type: r.PostFormValue(prefix + "_type_" + s)}
		a.Value = rowValue(r, prefix, s, pages.ActPickKey(a.Type))
		out = append(out, a)
	}
	return out
}

// rowValue is a row's value: from the picker of the row's choice (key) when one was chosen,
// else from its text field (a browser without JavaScript shows the text field of a new row).
func rowValue(r *http.Request, prefix, n, key string) string {
	if key != "" {
		if v := r.PostForm[pages.PickName(prefix, n, key)]; len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			return v[0]
		}
	}
	return r.PostFormValue(prefix + "_value_" + n)
}

// rowEdit reports whether the form was posted by an "Add …" or "Remove" button (a browser
// without JavaScript): the form comes back with the row added or removed, nothing saved.
func rowEdit(r *http.Request) bool {
	return r.PostFormValue("add") != "" || r.PostFormValue("remove") != ""
}

// conditionRows are the form's condition lines: those given, or one empty line to start from.
func conditionRows(cs []rule.Condition) []pages.ConditionRow {
	rows := make([]pages.ConditionRow, 0, max(1, len(cs)))
	for _, c := range cs {
		rows = append(rows, pages.ConditionRow{Field: c.Field, Op: c.Op, Value: c.Value})
	}
	if len(rows) == 0 {
		rows = append(rows, pages.ConditionRow{})
	}
	return rows
}

// actionRows are the form's action lines (values shown by name), or one empty line.
func actionRows(as []rule.Action, _ int, labels map[string]string) []pages.ActionRow {
	rows := make([]pages.ActionRow, 0, max(1, len(as)))
	for _, a := range as {
		v := a.Value
		if l, ok := labels[v]; ok {
			v = l
		}
		rows = append(rows, pages.ActionRow{Type: a.Type, Value: v, Stored: a.Value})
	}
	if len(rows) == 0 {
		rows = append(rows, pages.ActionRow{})
	}
	return rows
}

// valueHints are the suggestions under an action's value field.
func (h *Handler) valueHints(ctx context.Context, labels map[string]string) []string {
	hints := append([]string{}, conversation.Priorities...)
	hints = append(hints, "open", "pending", "resolved", "closed", "assignee", "team", "admins")
	for _, l := range labels {
		hints = append(hints, l)
	}
	return hints
}

func (h *Handler) ruleForm(r *http.Request, id string, in automation.RuleInput, errs map[string]string) (pages.RuleFormView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	labels, err := h.Automation.ActionLabels(ctx, sc)
	if err != nil {
		return pages.RuleFormView{}, err
	}
	title := i18n.T(ctx, "rules.new")
	if id != "" {
		title = in.Name
	}
	match := in.Match
	if match == "" {
		match = "all"
	}
	sets, err := h.valueSets(ctx)
	if err != nil {
		return pages.RuleFormView{}, err
	}
	return pages.RuleFormView{Shell: h.shell(r, title, "settings"), Slug: sc.Workspace.Slug, ID: id, Name: in.Name, Trigger: in.Trigger,
		Minutes: in.Minutes, Match: match, Position: in.Position, Stop: in.Stop, Enabled: in.Enabled,
		Conditions: conditionRows(in.Conditions), Actions: actionRows(in.Actions, automation.MaxActions, labels), Errors: errs,
		ValueHints: h.valueHints(ctx, labels), ValueSets: sets}, nil
}

// valueSets are the known choices of rule and policy values, from the workspace's data.
func (h *Handler) valueSets(ctx context.Context) (*pages.ValueSets, error) {
	sc := currentScope(ctx)
	pk, err := h.Labels.Pickers(ctx, sc)
	if err != nil {
		return nil, err
	}
	d := pages.RuleValueData{Marketplaces: pk.Marketplaces, Stores: pk.Stores, Tags: pk.Tags, Categories: pk.Categories, Languages: pk.Languages}
	ms, err := h.Automation.Marketplaces(ctx, sc)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if !slices.Contains(d.Marketplaces, m) {
			d.Marketplaces = append(d.Marketplaces, m)
		}
	}
	for _, t := range pk.Teams {
		d.Teams = append(d.Teams, pages.RuleChoice{ID: t.ID.String(), Name: t.Name})
	}
	people, err := h.Tenants.Members(ctx, sc)
	if err != nil {
		return nil, err
	}
	for _, m := range people {
		name := m.Name
		if name == "" {
			name = m.Email
		} else {
			name += " (" + m.Email + ")"
		}
		d.People = append(d.People, pages.RuleChoice{ID: m.UserID.String(), Name: name})
	}
	pols, err := h.Automation.Policies(ctx, sc)
	if err != nil {
		return nil, err
	}
	for _, p := range pols {
		d.Policies = append(d.Policies, pages.RuleChoice{ID: p.ID.String(), Name: pages.PresetText(ctx, p.Name)})
	}
	return pages.RuleValueSets(ctx, d), nil
}

func (h *Handler) newRule(w http.ResponseWriter, r *http.Request) {
	v, err := h.ruleForm(r, "", automation.RuleInput{Trigger: rule.TriggerCustomerMsg, Match: "all"}, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.RuleForm(v))
}

func (h *Handler) createRule(w http.ResponseWriter, r *http.Request) { h.submitRule(w, r, uuid.Nil) }

// submitRule saves the rule form (id uuid.Nil creates one), or shows it again with its problems.
func (h *Handler) submitRule(w http.ResponseWriter, r *http.Request, id uuid.UUID) {
	ctx := r.Context()
	sc := currentScope(ctx)
	in := ruleInputOf(r)
	saved := id
	err := inputProblems(r)
	if err == nil && rowEdit(r) {
		sid := ""
		if id != uuid.Nil {
			sid = id.String()
		}
		v, err := h.ruleForm(r, sid, in, map[string]string{})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusOK, pages.RuleForm(v))
		return
	}
	if err == nil {
		saved, err = h.Automation.SaveRule(ctx, sc, id, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		sid := ""
		if id != uuid.Nil {
			sid = id.String()
		}
		v, err := h.ruleForm(r, sid, in, fe)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, pages.RuleForm(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "rules.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/rules/"+saved.String())
}

// showRule is the edit form, with a dry run when ?ticket= names one.
func (h *Handler) showRule(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "ruleID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ru, err := h.Automation.Rule(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := automation.RuleInput{Name: ru.Name, Trigger: ru.Trigger, Match: ru.Conditions.Mode, Conditions: ru.Conditions.Conditions, Actions: ru.Actions,
		Stop: ru.Stop, Enabled: ru.Enabled, Position: strconv.Itoa(int(ru.Position))}
	if ru.Minutes > 0 {
		in.Minutes = strconv.Itoa(int(ru.Minutes))
	}
	v, err := h.ruleForm(r, id.String(), in, map[string]string{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if t := strings.TrimPrefix(strings.TrimSpace(r.URL.Query().Get("ticket")), "#"); t != "" {
		v.DryTicket = t
		n, perr := strconv.ParseInt(t, 10, 64)
		if perr != nil || n <= 0 {
			v.Errors["ticket"] = i18n.T(ctx, "rules.ticket_unknown")
			status = http.StatusUnprocessableEntity
		} else {
			dr, err := h.Automation.DryRunRule(ctx, sc, id, n)
			if fe, ok := fieldErrors(ctx, err); ok {
				v.Errors["ticket"] = fe["ticket"]
				status = http.StatusUnprocessableEntity
			} else if err != nil {
				h.fail(w, r, err)
				return
			} else {
				labels, err := h.Automation.ActionLabels(ctx, sc)
				if err != nil {
					h.fail(w, r, err)
					return
				}
				dv := &pages.DryRunView{Number: dr.Number, Subject: dr.Subject, Matched: dr.Matched}
				for _, o := range dr.Outcomes {
					dv.Outcomes = append(dv.Outcomes, pages.OutcomeRow{Text: conditionText(ctx, o.Condition), Matched: o.Matched})
				}
				for _, a := range dr.Actions {
					dv.Actions = append(dv.Actions, actionText(ctx, a, labels))
				}
				v.DryRun = dv
			}
		}
	}
	h.render(w, r, status, pages.RuleForm(v))
}

func (h *Handler) saveRule(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "ruleID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Another workspace's rule is not found before its form is judged.
	if _, err := h.Automation.Rule(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.submitRule(w, r, id)
}

func (h *Handler) setRuleEnabled(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "ruleID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Automation.SetRuleEnabled(ctx, sc, id, r.PostFormValue("enabled") == "1"); err != nil {
		h.fail(w, r, err)
		return
	}
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/rules")
}

func (h *Handler) deleteRule(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "ruleID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Automation.DeleteRule(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "rules.deleted")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/rules")
}
