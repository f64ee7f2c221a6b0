package automation

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// DryRunTickets is how many of the newest tickets an unsaved rule is tried on.
const DryRunTickets = 20

// DryRunForm tries a rule as it stands in the form (not saved) on one ticket (number > 0) or on the
// newest tickets, changing nothing. The form is checked as on save, except that a name and an
// action are not needed to see what the conditions match.
func (e *Engine) DryRunForm(ctx context.Context, sc tenant.Scope, in RuleInput, number int64) ([]DryRun, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return nil, err
	}
	var out []DryRun
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		r, err := e.check(ctx, q, sc.TenantID(), in)
		var ve validate.Errors
		if errors.As(err, &ve) {
			delete(ve, "name")
			if ve["act_0"] == "rules.action_required" {
				delete(ve, "act_0")
			}
			if len(ve) > 0 {
				return ve
			}
		} else if err != nil {
			return err
		}
		type target struct {
			id, number int64
			subject    string
		}
		var targets []target
		if number > 0 {
			t, err := q.TicketByNumber(ctx, dbsqlc.TicketByNumberParams{TenantID: sc.TenantID(), Number: number})
			if errors.Is(err, pgx.ErrNoRows) {
				return validate.Errors{"ticket": "rules.ticket_unknown"}
			} else if err != nil {
				return err
			}
			targets = append(targets, target{t.ID, t.Number, t.Subject})
		} else {
			rows, err := q.RecentTicketsForDryRun(ctx, dbsqlc.RecentTicketsForDryRunParams{TenantID: sc.TenantID(), Max: DryRunTickets})
			if err != nil {
				return err
			}
			for _, t := range rows {
				targets = append(targets, target{t.ID, t.Number, t.Subject})
			}
		}
		needHours := r.Conditions.Uses("business_hours")
		for _, t := range targets {
			facts, _, err := e.loadFacts(ctx, q, sc.TenantID(), t.id, 0, needHours)
			if err != nil {
				return err
			}
			d := DryRun{Number: t.number, Subject: t.subject, Actions: r.Actions}
			d.Matched = r.Conditions.Match(facts, &d.Outcomes)
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		var ve validate.Errors
		if errors.As(err, &ve) {
			return nil, err
		}
		return nil, fmt.Errorf("automation: dry run of an unsaved rule: %w", err)
	}
	return out, nil
}
