// Package live carries inbox changes and presence to open pages. Changes travel through
// PostgreSQL NOTIFY, so every shopdesk process hears every change whichever process made it; each
// process fans them out to its own server-sent-event subscribers.
package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

// PresenceTTL is how long a viewer counts as present without a fresh heartbeat.
const PresenceTTL = 30 * time.Second

// Presence states.
const (
	Viewing = "viewing"
	Typing  = "typing"
	Left    = "left"
)

// Sub is one open page's subscription.
type Sub struct {
	TenantID uuid.UUID
	UserID   uuid.UUID
	TicketID int64 // 0 for list pages
	C        chan conversation.Change
}

type presenceKey struct {
	tenant uuid.UUID
	ticket int64
}

// Seen is one person on a ticket.
type Seen struct {
	UserID uuid.UUID
	State  string
}

// Hub is one process's fan-out point.
type Hub struct {
	pool   *pgxpool.Pool
	logger *slog.Logger

	mu       sync.Mutex
	subs     map[uuid.UUID]map[*Sub]struct{}
	presence map[presenceKey]map[uuid.UUID]presenceEntry
	now      func() time.Time
}

type presenceEntry struct {
	state   string
	expires time.Time
}

// New makes a hub; Run must be started for it to hear anything.
func New(pool *pgxpool.Pool, logger *slog.Logger) *Hub {
	return &Hub{pool: pool, logger: logger, subs: map[uuid.UUID]map[*Sub]struct{}{}, presence: map[presenceKey]map[uuid.UUID]presenceEntry{}, now: time.Now}
}

// Subscribe registers a page; call the returned func when it goes away.
func (h *Hub) Subscribe(tenantID, userID uuid.UUID, ticketID int64) (*Sub, func()) {
	s := &Sub{TenantID: tenantID, UserID: userID, TicketID: ticketID, C: make(chan conversation.Change, 64)}
	h.mu.Lock()
	if h.subs[tenantID] == nil {
		h.subs[tenantID] = map[*Sub]struct{}{}
	}
	h.subs[tenantID][s] = struct{}{}
	h.mu.Unlock()
	return s, func() {
		h.mu.Lock()
		delete(h.subs[tenantID], s)
		if len(h.subs[tenantID]) == 0 {
			delete(h.subs, tenantID)
		}
		h.mu.Unlock()
	}
}

// Announce publishes presence (or any change) to every process.
func (h *Hub) Announce(ctx context.Context, c conversation.Change) error {
	return conversation.NotifyChange(ctx, h.pool, c)
}

// Present lists who is on a ticket now, except the asking person, in a stable order.
func (h *Hub) Present(tenantID uuid.UUID, ticketID int64, except uuid.UUID) []Seen {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Seen
	now := h.now()
	for uid, e := range h.presence[presenceKey{tenantID, ticketID}] {
		if uid != except && e.expires.After(now) {
			out = append(out, Seen{UserID: uid, State: e.state})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID.String() < out[j].UserID.String() })
	return out
}

// dispatch handles one notification: presence updates the table, everything goes to the
// workspace's subscribers. A subscriber too slow to keep up misses changes rather than
// blocking everyone; its page refreshes on the next one.
func (h *Hub) dispatch(c conversation.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.Kind == "presence" {
		k := presenceKey{c.TenantID, c.TicketID}
		if c.Detail == Left {
			delete(h.presence[k], c.UserID)
		} else {
			if h.presence[k] == nil {
				h.presence[k] = map[uuid.UUID]presenceEntry{}
			}
			h.presence[k][c.UserID] = presenceEntry{state: c.Detail, expires: h.now().Add(PresenceTTL)}
		}
	}
	for s := range h.subs[c.TenantID] {
		select {
		case s.C <- c:
		default:
		}
	}
}

// Run listens on its own connection until ctx ends, reconnecting after failures.
func (h *Hub) Run(ctx context.Context) {
	backoff := time.Second
	for ctx.Err() == nil {
		err := h.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		h.logger.Warn("live updates: listener stopped; reconnecting", "error", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

func (h *Hub) listen(ctx context.Context) error {
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection stays in LISTEN state, so it leaves the pool for good and is closed here.
	pc := conn.Hijack()
	defer pc.Close(context.Background())
	if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{conversation.Channel}.Sanitize()); err != nil {
		return err
	}
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var c conversation.Change
		if err := json.Unmarshal([]byte(n.Payload), &c); err != nil {
			h.logger.Warn("live updates: bad notification", "payload", n.Payload)
			continue
		}
		h.dispatch(c)
	}
}
