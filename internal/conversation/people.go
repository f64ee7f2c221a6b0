package conversation

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// peopleTTL is how long a workspace's members (names for the thread and the list, @mentions) are
// reused. Every ticket page and list needs them and they change rarely. ForgetPeople drops them
// at once when this process changes the workspace; an author or assignee the cached list lacks is
// looked up at once; a renamed person shows the new name within peopleTTL.
const peopleTTL = 30 * time.Second

type peopleEntry struct {
	at time.Time
	v  []dbsqlc.MembersForMentionRow
}

type peopleCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]peopleEntry
}

func (c *peopleCache) get(tenantID uuid.UUID) ([]dbsqlc.MembersForMentionRow, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[tenantID]
	if !ok || time.Since(e.at) >= peopleTTL {
		return nil, false
	}
	return e.v, true
}

func (c *peopleCache) put(tenantID uuid.UUID, v []dbsqlc.MembersForMentionRow) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[uuid.UUID]peopleEntry{}
	}
	c.m[tenantID] = peopleEntry{at: time.Now(), v: v}
}

// People returns the workspace's members (id, name, email) in name order, reused for peopleTTL:
// the assignee pickers, the thread's names and @mentions all read them.
func (s *Service) People(ctx context.Context, sc tenant.Scope) ([]dbsqlc.MembersForMentionRow, error) {
	tid := sc.TenantID()
	if v, ok := s.people.get(tid); ok {
		return v, nil
	}
	var v []dbsqlc.MembersForMentionRow
	if err := s.st.InTenantPipeline(ctx, tid, false, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		var err error
		v, err = q.MembersForMention(ctx, tid)
		return err
	}); err != nil {
		return nil, fmt.Errorf("conversation: people: %w", err)
	}
	s.people.put(tid, v)
	return v, nil
}

// ForgetPeople drops a workspace's cached members, for a change made through this process.
func (s *Service) ForgetPeople(tenantID uuid.UUID) {
	s.people.mu.Lock()
	delete(s.people.m, tenantID)
	s.people.mu.Unlock()
}

// names maps user ids to names.
func names(members []dbsqlc.MembersForMentionRow) map[uuid.UUID]string {
	out := make(map[uuid.UUID]string, len(members))
	for _, m := range members {
		out[m.UserID] = m.Name
	}
	return out
}
