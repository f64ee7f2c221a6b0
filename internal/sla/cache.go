package sla

import (
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/businesshours"
)

// settingsTTL bounds how long a process reuses a workspace's policies and calendars without
// reading them again. Every ticket event needs them, and they change a few times a year; a
// change made through this process is seen at once (Forget), one made through another process
// within settingsTTL.
const settingsTTL = 10 * time.Second

type cachedPolicies struct {
	at       time.Time
	policies []Policy
}

type calendarKey struct {
	tenant uuid.UUID
	id     uuid.UUID // uuid.Nil: the workspace default
}

type cachedCalendar struct {
	at  time.Time
	cal *businesshours.Calendar
	loc *time.Location
}

type settingsCache struct {
	mu        sync.Mutex
	policies  map[uuid.UUID]cachedPolicies
	calendars map[calendarKey]cachedCalendar
}

func (c *settingsCache) getPolicies(tenant uuid.UUID, now time.Time) ([]Policy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.policies[tenant]
	return p.policies, ok && now.Sub(p.at) < settingsTTL
}

func (c *settingsCache) putPolicies(tenant uuid.UUID, now time.Time, ps []Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.policies == nil {
		c.policies = map[uuid.UUID]cachedPolicies{}
	}
	c.policies[tenant] = cachedPolicies{at: now, policies: ps}
}

func (c *settingsCache) getCalendar(k calendarKey, now time.Time) (cachedCalendar, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.calendars[k]
	return v, ok && now.Sub(v.at) < settingsTTL
}

func (c *settingsCache) putCalendar(k calendarKey, v cachedCalendar) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calendars == nil {
		c.calendars = map[calendarKey]cachedCalendar{}
	}
	c.calendars[k] = v
}

// Forget drops what this process keeps of a workspace's policies and calendars (after an admin
// changed them).
func (e *Engine) Forget(tenant uuid.UUID) {
	e.cache.mu.Lock()
	defer e.cache.mu.Unlock()
	delete(e.cache.policies, tenant)
	for k := range e.cache.calendars {
		if k.tenant == tenant {
			delete(e.cache.calendars, k)
		}
	}
}
