package ui

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/shopdesk/shopdesk/internal/tenant"
)

// countsTTL is how long sidebar counts are reused: a team of agents reloading lists would
// otherwise recount every view on every page. Any change made through this process forgets the
// workspace's counts at once; changes from elsewhere show within the TTL.
const countsTTL = 3 * time.Second

type countsKey struct{ tenant, user uuid.UUID }

type countsEntry struct {
	at time.Time
	v  map[string]int
}

type countsCache struct {
	mu sync.Mutex
	m  map[countsKey]countsEntry
	// flight makes the requests that find an entry expired wait for one load instead of each
	// loading it: sixteen agents' pages would otherwise recount together every few seconds.
	flight singleflight.Group
}

func (c *countsCache) get(ctx context.Context, sc tenant.Scope, load func(context.Context, tenant.Scope) (map[string]int, error)) (map[string]int, error) {
	k := countsKey{sc.TenantID(), sc.UserID}
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if ok && time.Since(e.at) < countsTTL {
		return e.v, nil
	}
	r, err, _ := c.flight.Do("counts:"+k.tenant.String()+":"+k.user.String(), func() (any, error) { return load(context.WithoutCancel(ctx), sc) })
	if err != nil {
		return nil, err
	}
	v := r.(map[string]int)
	c.mu.Lock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[countsKey]countsEntry{}
	}
	c.m[k] = countsEntry{at: time.Now(), v: v}
	c.mu.Unlock()
	return v, nil
}

func (c *countsCache) forget(tenantID uuid.UUID) {
	c.mu.Lock()
	for k := range c.m {
		if k.tenant == tenantID {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

// forgetCountsOnChange drops a workspace's cached counts and members whenever a request may change them.
func (h *Handler) forgetCountsOnChange(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			h.counts.forget(currentScope(r.Context()).TenantID())
			h.Conversations.ForgetPeople(currentScope(r.Context()).TenantID())
			h.Labels.Forget(currentScope(r.Context()).TenantID())
		}
		next.ServeHTTP(w, r)
	})
}
