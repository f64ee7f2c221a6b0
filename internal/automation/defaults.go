package automation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// SeedDefaults gives a new workspace what a seller's team expects on day one: business hours
// (Monday to Friday, 09:00-17:00 in the workspace's zone), the pre-sale, Amazon, Walmart, eBay and
// web shop email SLA presets, a rule that puts pre-sale questions on top with the pre-sale SLA, and one that files
// return and refund requests under "Returns". It runs in the sign-up transaction.
func SeedDefaults(ctx context.Context, q *dbsqlc.Queries, _ pgx.Tx, ws tenant.Workspace) error {
	if _, err := q.CalendarCreate(ctx, dbsqlc.CalendarCreateParams{TenantID: ws.ID, Name: "Business hours", TimeZone: ws.TimeZone,
		Week: sla.EncodeWeek(sla.DefaultWeek()), Holidays: []byte("[]"), Closures: []byte("[]"), IsDefault: true}); err != nil {
		return fmt.Errorf("automation: default calendar: %w", err)
	}
	var presale dbsqlc.SlaPolicy
	for i, p := range sla.Presets {
		if !p.Default {
			continue
		}
		row, err := createPreset(ctx, q, ws, p, int32(10*(i+1)))
		if err != nil {
			return err
		}
		if p.Key == "presale" {
			presale = row
		}
	}
	rules := []rule.Rule{
		{Name: "Pre-sale questions first", Trigger: rule.TriggerCreated, Enabled: true,
			Conditions: rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "presale", Op: "is_true"}}},
			Actions:    []rule.Action{{Type: "set_priority", Value: "urgent"}, {Type: "apply_sla", Value: presale.ID.String()}}},
		{Name: "Returns and refunds", Trigger: rule.TriggerCustomerMsg, Enabled: true,
			Conditions: rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "subject_body", Op: "contains",
				Value: "return|refund|send it back|retur|rambursare|banii înapoi|banii inapoi|환불|반품"}}},
			Actions: []rule.Action{{Type: "set_category", Value: "Returns"}}},
	}
	for i, r := range rules {
		conds, _ := json.Marshal(r.Conditions)
		acts, _ := json.Marshal(r.Actions)
		if _, err := q.RuleCreate(ctx, dbsqlc.RuleCreateParams{TenantID: ws.ID, Name: r.Name, Position: int32(10 * (i + 1)), Enabled: r.Enabled,
			Trigger: r.Trigger, Conditions: conds, Actions: acts}); err != nil {
			return fmt.Errorf("automation: default rule %s: %w", r.Name, err)
		}
	}
	return nil
}

// createPreset stores a preset as a policy.
func createPreset(ctx context.Context, q *dbsqlc.Queries, ws tenant.Workspace, p sla.Preset, position int32) (dbsqlc.SlaPolicy, error) {
	conds := p.Conditions
	if p.Key == "presale" {
		// A ticket tagged pre-sale by an agent or a rule gets the pre-sale target too.
		conds = rule.Group{Mode: "any", Conditions: append(append([]rule.Condition(nil), conds.Conditions...), rule.Condition{Field: "tag", Op: "has", Value: "pre-sale"})}
	}
	cb, _ := json.Marshal(conds)
	clock := "calendar"
	if p.Business {
		clock = "business"
	}
	mins := func(n int32) pgtype.Int4 { return pgtype.Int4{Int32: n, Valid: n > 0} }
	row, err := q.SLAPolicyCreate(ctx, dbsqlc.SLAPolicyCreateParams{TenantID: ws.ID, Name: p.Name, Preset: p.Key, Position: position, Enabled: true,
		Conditions: cb, FirstResponse: mins(p.First), NextResponse: mins(p.Next), Resolution: mins(p.Resolution),
		FirstResponseClock: clock, NextResponseClock: clock, ResolutionClock: clock, WarnPercent: 80, HardDeadline: p.HardDeadline,
		Escalation: []byte(`{"breach":[{"type":"raise_priority"},{"type":"notify","value":"assignee"}]}`)})
	if err != nil {
		return row, fmt.Errorf("automation: preset %s: %w", p.Key, err)
	}
	return row, nil
}
