package automation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// SeedDefaults gives a new workspace what a seller's team expects on day one: business hours
// (Monday to Friday, 09:00-17:00 in the workspace's zone), the pre-sale, Amazon, Walmart, eBay and
// web shop email SLA presets, a rule that puts pre-sale questions on top with the pre-sale SLA, and one that files
// return and refund requests under "Returns". It runs in the sign-up transaction.
//
// Their names are written in the workspace's language, the one its creator chose: they are the
// workspace's own from then on, renamed as the admins like, so they are not translated again
// for each reader. (Workspaces made before this keep their English names, which the pages
// still show through the catalogs: PresetText.)
func SeedDefaults(ctx context.Context, q *dbsqlc.Queries, _ pgx.Tx, ws tenant.Workspace) error {
	p := i18n.NewPrinter(ws.DefaultLanguage, nil)
	if _, err := q.CalendarCreate(ctx, dbsqlc.CalendarCreateParams{TenantID: ws.ID, Name: p.T("defaults.calendar"), TimeZone: ws.TimeZone,
		Week: sla.EncodeWeek(sla.DefaultWeek()), Holidays: []byte("[]"), Closures: []byte("[]"), IsDefault: true}); err != nil {
		return fmt.Errorf("automation: default calendar: %w", err)
	}
	var presale dbsqlc.SlaPolicy
	for i, preset := range sla.Presets {
		if !preset.Default {
			continue
		}
		row, err := createPreset(ctx, q, ws, localPreset(p, preset), int32(10*(i+1)))
		if err != nil {
			return err
		}
		if preset.Key == "presale" {
			presale = row
		}
	}
	rules := []rule.Rule{
		{Name: p.T("defaults.rule_presale"), Trigger: rule.TriggerCreated, Enabled: true,
			Conditions: rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "presale", Op: "is_true"}}},
			Actions:    []rule.Action{{Type: "set_priority", Value: "urgent"}, {Type: "apply_sla", Value: presale.ID.String()}}},
		{Name: p.T("defaults.rule_returns"), Trigger: rule.TriggerCustomerMsg, Enabled: true,
			Conditions: rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "subject_body", Op: "contains",
				Value: "return|refund|send it back|retur|rambursare|banii înapoi|banii inapoi|환불|반품"}}},
			Actions: []rule.Action{{Type: "set_category", Value: p.T("defaults.category_returns")}}},
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

// localPreset is a preset with its name, marketplace rule and pre-sale tag in the printer's
// language (brand names, such as Amazon, stay as they are).
func localPreset(p *i18n.Printer, preset sla.Preset) sla.Preset {
	if k := "sla.preset_name." + preset.Key; p.T(k) != k {
		preset.Name = p.T(k)
	}
	if k := "sla.preset_rule." + preset.Key; p.T(k) != k {
		preset.HardDeadline = p.T(k)
	}
	if preset.Key == "presale" {
		// A ticket tagged pre-sale by an agent or a rule gets the pre-sale target too.
		preset.Conditions = rule.Group{Mode: "any", Conditions: append(append([]rule.Condition(nil), preset.Conditions.Conditions...),
			rule.Condition{Field: "tag", Op: "has", Value: p.T("defaults.tag_presale")})}
	}
	return preset
}

// createPreset stores a preset as a policy.
func createPreset(ctx context.Context, q *dbsqlc.Queries, ws tenant.Workspace, p sla.Preset, position int32) (dbsqlc.SlaPolicy, error) {
	conds := p.Conditions
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
