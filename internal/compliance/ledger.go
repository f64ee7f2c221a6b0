package compliance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Request kinds and sources in the per-order ledger.
const (
	RequestFeedback = "feedback"
	RequestReview   = "review"
	RequestSurvey   = "survey"

	SourceManual      = "manual"
	SourceTemplate    = "template"
	SourceAutomation  = "automation"
	SourceMarketplace = "marketplace"
)

// Request is one feedback, review or survey request about an order, on any channel.
type Request = dbsqlc.OrderRequest

// RequestInput records a request. TicketID and MessageID are zero when there is none.
type RequestInput struct {
	OrderID     uuid.UUID
	Kind        string
	Channel     string
	TicketID    int64
	MessageID   int64
	Source      string
	RequestedAt time.Time
}

// Service is the workspace side of compliance: the per-order request ledger, the buyer's opt-out
// and the allow-list of link domains, and checks of a ticket's draft with all three.
type Service struct {
	st  *store.Store
	now func() time.Time
}

// New builds the service.
func New(st *store.Store) *Service { return &Service{st: st, now: time.Now} }

// Record adds a request to the order's ledger.
func (s *Service) Record(ctx context.Context, sc tenant.Scope, in RequestInput) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		return RecordTx(ctx, q, sc.TenantID(), in)
	})
}

// RecordTx adds a request in the caller's transaction (a reply's, so the request and the message
// commit together). The same message recorded twice is one request.
func RecordTx(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, in RequestInput) error {
	errs := validate.Errors{}
	switch in.Kind {
	case RequestFeedback, RequestReview, RequestSurvey:
	default:
		errs.Add("kind", "compliance.request_kind_invalid")
	}
	switch in.Source {
	case SourceManual, SourceTemplate, SourceAutomation, SourceMarketplace:
	default:
		errs.Add("source", "compliance.request_source_invalid")
	}
	if in.OrderID == uuid.Nil {
		errs.Add("order", "compliance.request_order_missing")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if in.RequestedAt.IsZero() {
		in.RequestedAt = time.Now()
	}
	_, err := q.OrderRequestAdd(ctx, dbsqlc.OrderRequestAddParams{TenantID: tenantID, OrderID: in.OrderID, Kind: in.Kind, Channel: in.Channel,
		TicketID: nullInt(in.TicketID), MessageID: nullInt(in.MessageID), Source: in.Source, RequestedAt: in.RequestedAt})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("compliance: record %s request: %w", in.Kind, store.NotFound(err))
	}
	return nil
}

// Ledger lists the order's requests, oldest first.
func (s *Service) Ledger(ctx context.Context, sc tenant.Scope, orderID uuid.UUID) ([]Request, error) {
	var out []Request
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.OrderRequestsOf(ctx, dbsqlc.OrderRequestsOfParams{TenantID: sc.TenantID(), OrderID: orderID})
		return err
	})
	return out, err
}

// OptOut flags the customer as opted out of proactive messages, from the notice named; the
// first notice is the one kept.
func (s *Service) OptOut(ctx context.Context, sc tenant.Scope, customerID uuid.UUID, at time.Time, notice string) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		return OptOutTx(ctx, q, sc.TenantID(), customerID, at, notice)
	})
}

// OptOutTx flags the customer in the caller's transaction (the ingest of the opt-out notice).
func OptOutTx(ctx context.Context, q *dbsqlc.Queries, tenantID, customerID uuid.UUID, at time.Time, notice string) error {
	if err := q.CustomerOptOut(ctx, dbsqlc.CustomerOptOutParams{TenantID: tenantID, ID: customerID, At: &at, Notice: notice}); err != nil {
		return fmt.Errorf("compliance: opt out: %w", err)
	}
	return nil
}

// OptedOut says when the customer opted out (nil: never) and from which notice.
func (s *Service) OptedOut(ctx context.Context, sc tenant.Scope, customerID uuid.UUID) (*time.Time, string, error) {
	var row dbsqlc.CustomerOptOutGetRow
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		row, err = q.CustomerOptOutGet(ctx, dbsqlc.CustomerOptOutGetParams{TenantID: sc.TenantID(), ID: customerID})
		return store.NotFound(err)
	})
	return row.OptedOutAt, row.OptOutNotice, err
}

func nullInt(v int64) pgtype.Int8 { return pgtype.Int8{Int64: v, Valid: v != 0} }
