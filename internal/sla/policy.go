package sla

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/businesshours"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Policy is a stored SLA policy with its conditions and escalations parsed.
type Policy struct {
	dbsqlc.SlaPolicy
	Match      rule.Group
	Escalation Escalation
}

// Escalation holds the actions run when a target warns and when it breaches.
type Escalation struct {
	Warning []rule.Action `json:"warning,omitempty"`
	Breach  []rule.Action `json:"breach,omitempty"`
}

// ParsePolicy reads a stored policy and prepares it for matching.
func ParsePolicy(p dbsqlc.SlaPolicy) (Policy, error) {
	out := Policy{SlaPolicy: p}
	if err := json.Unmarshal(p.Conditions, &out.Match); err != nil {
		return out, fmt.Errorf("sla: policy %s conditions: %w", p.Name, err)
	}
	if err := out.Match.Compile(); err != nil {
		return out, fmt.Errorf("sla: policy %s: %w", p.Name, err)
	}
	if len(p.Escalation) > 0 {
		if err := json.Unmarshal(p.Escalation, &out.Escalation); err != nil {
			return out, fmt.Errorf("sla: policy %s escalation: %w", p.Name, err)
		}
	}
	return out, nil
}

// Minutes of a target, 0 when the policy has none.
func (p *Policy) Minutes(metric string) int32 {
	var v pgtype.Int4
	switch metric {
	case FirstResponse:
		v = p.FirstResponse
	case NextResponse:
		v = p.NextResponse
	default:
		v = p.Resolution
	}
	if !v.Valid {
		return 0
	}
	return v.Int32
}

// ClockOf says whether a target runs on business hours.
func (p *Policy) ClockOf(metric string) string {
	switch metric {
	case FirstResponse:
		return p.FirstResponseClock
	case NextResponse:
		return p.NextResponseClock
	}
	return p.ResolutionClock
}

// usesBusiness reports a target on business hours.
func (p *Policy) usesBusiness() bool {
	for _, m := range Metrics {
		if p.Minutes(m) > 0 && p.ClockOf(m) == "business" {
			return true
		}
	}
	return false
}

// clock resolves the policy's targets against a calendar and the workspace's zone.
func (p *Policy) clock(cal *businesshours.Calendar, loc *time.Location) *Clock {
	c := &Clock{Minutes: map[string]int32{}, Business: map[string]bool{}, Calendar: cal, Location: loc,
		PausePend: p.PausePending, PauseSnooze: p.PauseSnoozed, WarnPercent: int32(p.WarnPercent)}
	for _, m := range Metrics {
		if n := p.Minutes(m); n > 0 {
			c.Minutes[m] = n
			c.Business[m] = p.ClockOf(m) == "business"
		}
	}
	return c
}
