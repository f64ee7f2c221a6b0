package conversation

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// NoResponseNeeded marks a customer message as needing no answer ("thanks!"), which closes its
// response clock; undo puts the clock back.
func (s *Service) NoResponseNeeded(ctx context.Context, sc tenant.Scope, number, messageID int64, on bool) error {
	return s.change(ctx, sc, number, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		m, err := q.MessageGet(ctx, dbsqlc.MessageGetParams{TenantID: sc.TenantID(), ID: messageID})
		if err != nil {
			return "", nil, notFound(err)
		}
		if m.TicketID != t.ID {
			return "", nil, store.ErrNotFound
		}
		if m.Kind != "inbound" {
			return "", nil, validate.Errors{"message": "ticket.no_response_inbound_only"}
		}
		if err := q.MessageSetNoResponse(ctx, dbsqlc.MessageSetNoResponseParams{TenantID: sc.TenantID(), ID: m.ID, NoResponse: on}); err != nil {
			return "", nil, err
		}
		return "no_response", map[string]any{"message_id": m.ID, "on": on}, nil
	})
}
