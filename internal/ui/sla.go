package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/web/components"
	"github.com/shopdesk/shopdesk/web/pages"
)

// escalationRows bounds the warning and breach actions one policy form may post.
const escalationRows = 20

func (h *Handler) showSLA(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	policies, err := h.Automation.Policies(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	metrics, err := h.Automation.MarketplaceMetrics(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := pages.SLAView{Shell: h.shell(r, i18n.T(ctx, "settings.sla"), "settings"), Slug: sc.Workspace.Slug}
	have := map[string]bool{}
	for _, pol := range policies {
		have[pol.Preset] = true
		var conds []string
		for _, c := range pol.Match.Conditions {
			conds = append(conds, conditionText(ctx, c))
		}
		join := " " + i18n.T(ctx, "rules.and") + " "
		if pol.Match.Mode == "any" {
			join = " " + i18n.T(ctx, "rules.or") + " "
		}
		clock := i18n.T(ctx, "sla.clock_"+pol.FirstResponseClock)
		v.Policies = append(v.Policies, pages.PolicyRow{ID: pol.ID.String(), Name: pages.PresetText(ctx, pol.Name), Conditions: strings.Join(conds, join),
			First: targetLabel(ctx, pol.FirstResponse), Next: targetLabel(ctx, pol.NextResponse), Resolution: targetLabel(ctx, pol.Resolution),
			Clock: clock, HardDeadline: pages.PresetText(ctx, pol.HardDeadline), Position: pol.Position, Enabled: pol.Enabled})
	}
	for _, pr := range sla.Presets {
		if have[pr.Key] {
			continue
		}
		target := fmt.Sprintf("%s %s", i18n.T(ctx, "sla.metric.first_response"), i18n.FromContext(ctx).Duration(time.Duration(pr.First)*time.Minute))
		if pr.Business {
			target += " (" + i18n.T(ctx, "sla.clock_business") + ")"
		}
		v.Presets = append(v.Presets, pages.PresetRow{Key: pr.Key, Name: pages.PresetText(ctx, pr.Name), Target: target, HardDeadline: pages.PresetText(ctx, pr.HardDeadline)})
	}
	for _, m := range metrics {
		for _, wdw := range m.Windows {
			v.Metrics = append(v.Metrics, pages.MetricRow{Marketplace: m.Name, Window: i18n.N(ctx, "sla.days", wdw.Days),
				Answered: strconv.Itoa(wdw.Answered), Late: strconv.Itoa(wdw.Late), LateRate: i18n.FromContext(ctx).Percent(wdw.LateRate, 1),
				AvgResponse: durationText(ctx, wdw.AvgResponse), Open: strconv.Itoa(wdw.Open),
				Projected:   i18n.T(ctx, "sla.projected_value", i18n.FromContext(ctx).Percent(wdw.ProjLateRate, 1)),
				LatePercent: int(wdw.LateRate * 100), ProjPercent: int(wdw.ProjLateRate * 100), Danger: wdw.ProjLateRate > 0.04})
		}
	}
	h.render(w, r, http.StatusOK, pages.SLA(v))
}

// durationText is an average in the reader's language, or a dash when there is none.
func durationText(ctx context.Context, d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return i18n.FromContext(ctx).Duration(d)
}

func policyInputOf(r *http.Request) automation.PolicyInput {
	v := r.PostFormValue
	cal, _ := uuid.Parse(v("calendar_id"))
	return automation.PolicyInput{Name: v("name"), Position: v("position"), Match: v("match"), Enabled: v("enabled") != "",
		PausePending: v("pause_pending") != "", PauseSnoozed: v("pause_snoozed") != "", Conditions: conditionsOf(r),
		First: v("first"), Next: v("next"), Resolution: v("resolution"), FirstClock: v("first_clock"), NextClock: v("next_clock"),
		ResolutionClock: v("resolution_clock"), CalendarID: cal, WarnPercent: v("warn_percent"), HardDeadline: v("hard_deadline"),
		Warning: actionsOf(r, "warn", escalationRows), Breach: actionsOf(r, "breach", escalationRows)}
}

func (h *Handler) policyForm(r *http.Request, id string, in automation.PolicyInput, errs map[string]string) (pages.PolicyFormView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	labels, err := h.Automation.ActionLabels(ctx, sc)
	if err != nil {
		return pages.PolicyFormView{}, err
	}
	cals, err := h.Automation.Calendars(ctx, sc)
	if err != nil {
		return pages.PolicyFormView{}, err
	}
	opts := []components.Option{{Value: "", Label: i18n.T(ctx, "sla.calendar_default")}}
	for _, c := range cals {
		opts = append(opts, components.Option{Value: c.ID.String(), Label: c.Name})
	}
	cal := ""
	if in.CalendarID != uuid.Nil {
		cal = in.CalendarID.String()
	}
	title := i18n.T(ctx, "sla.new")
	if id != "" {
		title = in.Name
	}
	match := in.Match
	if match == "" {
		match = "all"
	}
	sets, err := h.valueSets(ctx)
	if err != nil {
		return pages.PolicyFormView{}, err
	}
	return pages.PolicyFormView{Shell: h.shell(r, title, "settings"), Slug: sc.Workspace.Slug, ID: id,
		Values: map[string]string{"name": in.Name, "position": in.Position, "match": match, "first": in.First, "next": in.Next,
			"resolution": in.Resolution, "first_clock": in.FirstClock, "next_clock": in.NextClock, "resolution_clock": in.ResolutionClock,
			"calendar_id": cal, "warn_percent": in.WarnPercent, "hard_deadline": in.HardDeadline},
		Enabled: in.Enabled, PausePending: in.PausePending, PauseSnoozed: in.PauseSnoozed,
		Conditions: conditionRows(in.Conditions), Warning: actionRows(in.Warning, escalationRows, labels), Breach: actionRows(in.Breach, escalationRows, labels),
		Calendars: opts, ValueHints: h.valueHints(ctx, labels), ValueSets: sets, Errors: errs}, nil
}

func (h *Handler) newPolicy(w http.ResponseWriter, r *http.Request) {
	v, err := h.policyForm(r, "", automation.PolicyInput{Enabled: true, WarnPercent: "80", FirstClock: "calendar", NextClock: "calendar", ResolutionClock: "calendar"}, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.PolicyForm(v))
}

func (h *Handler) showPolicy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "policyID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Automation.Policy(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := automation.PolicyInput{Name: p.Name, Position: strconv.Itoa(int(p.Position)), Match: p.Match.Mode, Enabled: p.Enabled,
		PausePending: p.PausePending, PauseSnoozed: p.PauseSnoozed, Conditions: p.Match.Conditions,
		First: automation.TargetText(p.FirstResponse), Next: automation.TargetText(p.NextResponse), Resolution: automation.TargetText(p.Resolution),
		FirstClock: p.FirstResponseClock, NextClock: p.NextResponseClock, ResolutionClock: p.ResolutionClock, CalendarID: p.CalendarID.UUID,
		WarnPercent: strconv.Itoa(int(p.WarnPercent)), HardDeadline: p.HardDeadline, Warning: p.Escalation.Warning, Breach: p.Escalation.Breach}
	v, err := h.policyForm(r, id.String(), in, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.PolicyForm(v))
}

func (h *Handler) savePolicyForm(w http.ResponseWriter, r *http.Request, id uuid.UUID) {
	ctx := r.Context()
	sc := currentScope(ctx)
	in := policyInputOf(r)
	saved := id
	err := inputProblems(r)
	if err == nil && rowEdit(r) {
		sid := ""
		if id != uuid.Nil {
			sid = id.String()
		}
		v, err := h.policyForm(r, sid, in, map[string]string{})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusOK, pages.PolicyForm(v))
		return
	}
	if err == nil {
		saved, err = h.Automation.SavePolicy(ctx, sc, id, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		sid := ""
		if id != uuid.Nil {
			sid = id.String()
		}
		v, err := h.policyForm(r, sid, in, fe)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, pages.PolicyForm(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "sla.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/sla/"+saved.String())
}

func (h *Handler) createPolicy(w http.ResponseWriter, r *http.Request) {
	h.savePolicyForm(w, r, uuid.Nil)
}

func (h *Handler) savePolicy(w http.ResponseWriter, r *http.Request) {
	id, err := uuidParam(r, "policyID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Automation.Policy(r.Context(), currentScope(r.Context()), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.savePolicyForm(w, r, id)
}

func (h *Handler) deletePolicy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "policyID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Automation.DeletePolicy(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "sla.deleted")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/sla")
}

func (h *Handler) addPreset(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	key := chi.URLParam(r, "preset")
	if _, err := h.Automation.AddPreset(ctx, sc, key); err != nil {
		if _, ok := fieldErrors(ctx, err); ok {
			h.flash(r, "error", "sla.preset_exists")
			seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/sla")
			return
		}
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "sla.preset_added")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/sla")
}

// targetLabel is a policy's target as the list shows it, in the reader's language ("2시간");
// the form keeps the short form an admin types ("2h").
func targetLabel(ctx context.Context, v pgtype.Int4) string {
	if !v.Valid {
		return ""
	}
	return i18n.FromContext(ctx).Duration(time.Duration(v.Int32) * time.Minute)
}
