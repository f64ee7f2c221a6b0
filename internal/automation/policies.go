package automation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Policy is a stored SLA policy with its parsed conditions and escalations.
type Policy = sla.Policy

// PolicyInput is the SLA policy form. Targets are durations as people write them: 12h, 90m,
// 1h30m, 2d (48 hours), or minutes. On a business-hours clock they count open hours: three
// business days of 09:00-17:00 are 24h.
type PolicyInput struct {
	Name, Position, Match                  string
	Enabled, PausePending, PauseSnoozed    bool
	Conditions                             []rule.Condition
	First, Next, Resolution                string
	FirstClock, NextClock, ResolutionClock string
	CalendarID                             uuid.UUID
	WarnPercent                            string
	HardDeadline                           string
	Warning, Breach                        []rule.Action
}

// ParseTarget reads "12h", "90m", "1h30m", "3d" or plain minutes; "" is no target.
func ParseTarget(s string) (int32, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return 0, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		return int32(n), n > 0 && n <= 365*24*60
	}
	days := 0
	if i := strings.Index(s, "d"); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, false
		}
		days, s = n, s[i+1:]
	}
	var d time.Duration
	if s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, false
		}
	}
	m := days*24*60 + int(d/time.Minute)
	return int32(m), m > 0 && m <= 365*24*60
}

// Policies lists the workspace's SLA policies in order.
func (e *Engine) Policies(ctx context.Context, sc tenant.Scope) ([]Policy, error) {
	var out []Policy
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.SLAPolicyList(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		for _, r := range rows {
			p, err := sla.ParsePolicy(r)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// SavePolicy creates (id uuid.Nil) or updates a policy; open tickets pick it up at their next change.
func (e *Engine) SavePolicy(ctx context.Context, sc tenant.Scope, id uuid.UUID, in PolicyInput) (uuid.UUID, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return uuid.Nil, err
	}
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		errs := validate.Errors{}
		name := strings.TrimSpace(in.Name)
		if name == "" || len(name) > 100 {
			errs.Add("name", "sla.name_required")
		}
		targets := map[string]pgtype.Int4{}
		for field, v := range map[string]string{"first": in.First, "next": in.Next, "resolution": in.Resolution} {
			m, ok := ParseTarget(v)
			if !ok {
				errs.Add(field, "sla.target_invalid")
			}
			targets[field] = pgtype.Int4{Int32: m, Valid: m > 0}
		}
		if !targets["first"].Valid && !targets["next"].Valid && !targets["resolution"].Valid && len(errs) == 0 {
			errs.Add("first", "sla.target_required")
		}
		clock := func(field, v string) string {
			if v != "calendar" && v != "business" {
				errs.Add(field, "sla.clock_invalid")
			}
			return v
		}
		warn, err := strconv.Atoi(strings.TrimSpace(in.WarnPercent))
		if err != nil || warn < 1 || warn > 99 {
			errs.Add("warn_percent", "sla.warn_invalid")
		}
		position := int32(0)
		if p := strings.TrimSpace(in.Position); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				errs.Add("position", "rules.position_invalid")
			}
			position = int32(n)
		} else {
			n, err := q.SLAPolicyMaxPosition(ctx, sc.TenantID())
			if err != nil {
				return err
			}
			position = n + 10
		}
		group := checkConditions(in.Match, in.Conditions, errs)
		var esc sla.Escalation
		var err2 error
		if esc.Warning, err2 = e.checkActions(ctx, q, sc.TenantID(), "warn", in.Warning, errs); err2 != nil {
			return err2
		}
		if esc.Breach, err2 = e.checkActions(ctx, q, sc.TenantID(), "breach", in.Breach, errs); err2 != nil {
			return err2
		}
		fc, nc, rc := clock("first_clock", in.FirstClock), clock("next_clock", in.NextClock), clock("resolution_clock", in.ResolutionClock)
		if err := errs.Err(); err != nil {
			return err
		}
		conds, _ := json.Marshal(group)
		escb, _ := json.Marshal(esc)
		cal := uuid.NullUUID{UUID: in.CalendarID, Valid: in.CalendarID != uuid.Nil}
		if id == uuid.Nil {
			row, err := q.SLAPolicyCreate(ctx, dbsqlc.SLAPolicyCreateParams{TenantID: sc.TenantID(), Name: name, Position: position, Enabled: in.Enabled,
				Conditions: conds, FirstResponse: targets["first"], NextResponse: targets["next"], Resolution: targets["resolution"],
				FirstResponseClock: fc, NextResponseClock: nc, ResolutionClock: rc, CalendarID: cal, PausePending: in.PausePending,
				PauseSnoozed: in.PauseSnoozed, WarnPercent: int16(warn), HardDeadline: strings.TrimSpace(in.HardDeadline), Escalation: escb})
			if _, ok := store.UniqueViolation(err); ok {
				return validate.Errors{"name": "sla.name_taken"}
			} else if err != nil {
				return err
			}
			id = row.ID
		} else {
			n, err := q.SLAPolicyUpdate(ctx, dbsqlc.SLAPolicyUpdateParams{TenantID: sc.TenantID(), ID: id, Name: name, Position: position, Enabled: in.Enabled,
				Conditions: conds, FirstResponse: targets["first"], NextResponse: targets["next"], Resolution: targets["resolution"],
				FirstResponseClock: fc, NextResponseClock: nc, ResolutionClock: rc, CalendarID: cal, PausePending: in.PausePending,
				PauseSnoozed: in.PauseSnoozed, WarnPercent: int16(warn), Escalation: escb})
			if _, ok := store.UniqueViolation(err); ok {
				return validate.Errors{"name": "sla.name_taken"}
			} else if err != nil {
				return err
			}
			if n == 0 {
				return store.ErrNotFound
			}
		}
		return tenant.Audit(ctx, q, sc, "sla.policy_saved", map[string]any{"policy": name})
	})
	e.SLA.Forget(sc.TenantID())
	return id, err
}

// AddPreset creates a marketplace preset as a policy (after the existing ones).
func (e *Engine) AddPreset(ctx context.Context, sc tenant.Scope, key string) (uuid.UUID, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return uuid.Nil, err
	}
	p, ok := sla.PresetByKey(key)
	if !ok {
		return uuid.Nil, store.ErrNotFound
	}
	var id uuid.UUID
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.SLAPolicyMaxPosition(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		// In the workspace's language, as the sign-up's presets are (SeedDefaults).
		row, err := createPreset(ctx, q, sc.Workspace, localPreset(i18n.NewPrinter(sc.Workspace.DefaultLanguage, nil), p), n+10)
		if _, ok := store.UniqueViolation(errors.Unwrap(err)); ok {
			return validate.Errors{"preset": "sla.preset_exists"}
		} else if err != nil {
			return err
		}
		id = row.ID
		return tenant.Audit(ctx, q, sc, "sla.preset_added", map[string]any{"preset": key})
	})
	e.SLA.Forget(sc.TenantID())
	return id, err
}

// DeletePolicy removes a policy; tickets under it fall to the next matching one at their next change.
func (e *Engine) DeletePolicy(ctx context.Context, sc tenant.Scope, id uuid.UUID) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	defer e.SLA.Forget(sc.TenantID())
	return e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.SLAPolicyDelete(ctx, dbsqlc.SLAPolicyDeleteParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return tenant.Audit(ctx, q, sc, "sla.policy_deleted", map[string]any{"policy": id.String()})
	})
}

// Policy loads one policy.
func (e *Engine) Policy(ctx context.Context, sc tenant.Scope, id uuid.UUID) (Policy, error) {
	ps, err := e.Policies(ctx, sc)
	if err != nil {
		return Policy{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			return p, nil
		}
	}
	return Policy{}, store.ErrNotFound
}

// TargetText writes minutes the way the form reads them.
func TargetText(v pgtype.Int4) string {
	if !v.Valid {
		return ""
	}
	m := v.Int32
	switch {
	case m%60 == 0:
		return fmt.Sprintf("%dh", m/60)
	case m > 60:
		return fmt.Sprintf("%dh%dm", m/60, m%60)
	}
	return fmt.Sprintf("%dm", m)
}
