package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/pages"
)

// tryRule runs the rule form as it stands (saved or not) on the newest tickets, or on the ticket
// number given, and shows the form again with the results; nothing is saved. An htmx request gets
// 200 even with field problems, so the editor it swaps shows them at their fields.
func (h *Handler) tryRule(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	in := ruleInputOf(r)
	id := ""
	if rid, err := uuid.Parse(r.PostFormValue("rule_id")); err == nil {
		if _, err := h.Automation.Rule(ctx, sc, rid); err != nil {
			h.fail(w, r, err)
			return
		}
		id = rid.String()
	}
	errs := map[string]string{}
	var number int64
	ticket := strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("dry_ticket")), "#")
	err := inputProblems(r)
	if err == nil && ticket != "" {
		n, perr := strconv.ParseInt(ticket, 10, 64)
		if perr != nil || n <= 0 {
			errs["ticket"] = i18n.T(ctx, "rules.ticket_unknown")
		}
		number = n
	}
	var tries []pages.DryRunView
	if err == nil && len(errs) == 0 {
		runs, derr := h.Automation.DryRunForm(ctx, sc, in, number)
		err = derr
		if derr == nil {
			labels, lerr := h.Automation.ActionLabels(ctx, sc)
			if lerr != nil {
				h.fail(w, r, lerr)
				return
			}
			for _, d := range runs {
				dv := pages.DryRunView{Number: d.Number, Subject: d.Subject, Matched: d.Matched}
				for _, o := range d.Outcomes {
					dv.Outcomes = append(dv.Outcomes, pages.OutcomeRow{Text: conditionText(ctx, o.Condition), Matched: o.Matched})
				}
				for _, a := range d.Actions {
					dv.Actions = append(dv.Actions, actionText(ctx, a, labels))
				}
				tries = append(tries, dv)
			}
		}
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		errs = fe
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	v, verr := h.ruleForm(r, id, in, errs)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	v.TryTicket = ticket
	status := http.StatusOK
	if len(errs) > 0 {
		if r.Header.Get("HX-Request") == "" {
			status = http.StatusUnprocessableEntity
		}
	} else {
		v.Tried, v.Tries = true, tries
	}
	h.render(w, r, status, pages.RuleForm(v))
}
