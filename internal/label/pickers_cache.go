package label

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// pickersTTL is how long a workspace's filter choices are reused: every inbox page shows them and
// they change rarely. Forget drops them at once when this process changes the workspace; a name
// new to the catalogue (a new marketplace's first ticket) shows in the pickers within the TTL,
// and in the tag input's suggestions, which are never cached, at once.
const pickersTTL = 30 * time.Second

type pickersEntry struct {
	at time.Time
	v  Pickers
}

type pickersCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]pickersEntry
}

func (c *pickersCache) get(tenantID uuid.UUID) (Pickers, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[tenantID]
	if !ok || time.Since(e.at) >= pickersTTL {
		return Pickers{}, false
	}
	return e.v, true
}

func (c *pickersCache) put(tenantID uuid.UUID, v Pickers) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[uuid.UUID]pickersEntry{}
	}
	c.m[tenantID] = pickersEntry{at: time.Now(), v: v}
}

// Forget drops a workspace's cached filter choices (after any change made in it).
func (s *Service) Forget(tenantID uuid.UUID) {
	s.pickers.mu.Lock()
	delete(s.pickers.m, tenantID)
	s.pickers.mu.Unlock()
}
