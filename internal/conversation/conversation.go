// Package conversation is the shared inbox's core: tickets, their messages, notes and events,
// customers and orders beside them, assignment and status, merges and splits, search, and the
// outbound reply state machine. Every operation takes an explicit tenant.Scope and runs in a
// transaction pinned to that workspace.
package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Ticket is one conversation (without its thread).
type Ticket = dbsqlc.TicketRow

// Message is a customer message, a reply or an internal note.
type Message = dbsqlc.MessageRow

// Statuses a ticket moves through.
var Statuses = []string{"open", "pending", "snoozed", "resolved", "closed"}

// Priorities by their stored number.
var Priorities = []string{"urgent", "high", "normal", "low"}

// Channels a ticket can come from (as stored).
var Channels = []string{"email", "amazon", "ebay", "walmart", "tiktok", "etsy", "webshop", "other"}

// Offered are the channels pickers, filters and presets offer: TikTok Shop and Etsy cannot be
// connected yet, so nothing offers them until they can.
var Offered = []string{"email", "amazon", "ebay", "walmart", "webshop", "other"}

// ErrCustomerWroteAgain holds a reply because the customer wrote after the composer was opened.
var ErrCustomerWroteAgain = errors.New("conversation: the customer wrote again since the reply was started")

// ErrRepliedMeanwhile holds a reply because someone else replied after the composer was opened,
// so two agents do not answer the same message.
var ErrRepliedMeanwhile = errors.New("conversation: someone else replied since the reply was started")

// Service is the inbox service.
type Service struct {
	st   *store.Store
	jobs *river.Client[pgx.Tx]
	now  func() time.Time
	auto Automation
	// senders says which channels can deliver replies; retry bounds transient send failures.
	senders *Senders
	retry   RetryPolicy
	// people caches each workspace's members (see peopleTTL).
	people peopleCache
}

// New builds the service; jobs may be an insert-only client.
func New(st *store.Store, jobs *river.Client[pgx.Tx], now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, jobs: jobs, now: now}
}

// UseJobs gives the service its River client after both exist (the client's workers call the
// service, and the service inserts the client's jobs).
func (s *Service) UseJobs(c *river.Client[pgx.Tx]) { s.jobs = c }

func (s *Service) inTenant(ctx context.Context, sc tenant.Scope, fn store.TxFunc) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), fn)
}

// event records one change on the ticket's trail and tells live pages about it, in the caller's
// transaction.
func event(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, ticketID int64, kind string, data map[string]any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	actor := uuid.NullUUID{UUID: sc.UserID, Valid: sc.UserID != uuid.Nil}
	if err := q.EventAdd(ctx, dbsqlc.EventAddParams{TenantID: sc.TenantID(), TicketID: ticketID, ActorUserID: actor, Kind: kind, Data: b}); err != nil {
		return fmt.Errorf("conversation: event %s: %w", kind, err)
	}
	if err := noticeForEvent(ctx, q, tx, sc, ticketID, kind, data, time.Now()); err != nil {
		return err
	}
	return Notify(ctx, tx, sc.TenantID(), ticketID, kind)
}

// TenantMetadata ties a job to its workspace, so the workspace's admins see and manage it on the
// jobs page; every job of a workspace is inserted with it.
func TenantMetadata(tenantID uuid.UUID) []byte {
	b, _ := json.Marshal(map[string]string{"tenant_id": tenantID.String()})
	return b
}

func int8Of(v int64) pgtype.Int8 { return pgtype.Int8{Int64: v, Valid: true} }
