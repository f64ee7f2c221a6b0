package ingest

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// bounceOf decides whether a bounce reports one of this workspace's replies as undelivered: if
// so the plan fails that reply (conversation.MarkBouncedTx) instead of storing a message. A
// bounce that names none of our replies (or another workspace's) goes on as an automatic
// message, as before.
func (s *Service) bounceOf(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, raw []byte, pl *plan) error {
	r := DeliveryReport(raw)
	for _, id := range r.MessageIDs {
		if !conversation.IsOwnMessageID(tenantID, id) {
			continue
		}
		m, err := q.MessageByChannelID(ctx, dbsqlc.MessageByChannelIDParams{TenantID: tenantID, ChannelMessageID: id})
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if m.Kind != "outbound" {
			continue
		}
		pl.bounce = &Report{MessageIDs: []string{id}, Reason: r.Reason}
		pl.final = &Outcome{State: "processed", Reason: "delivery report: a reply was returned undelivered", Class: pl.class}
		return nil
	}
	return nil
}

// markBounced fails the reply a planned bounce reports, in the writing transaction.
func (s *Service) markBounced(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, pl plan) (Outcome, error) {
	out := *pl.final
	_, ticketID, err := s.conv.MarkBouncedTx(ctx, q, tx, tenantID, pl.bounce.MessageIDs[0], pl.bounce.Reason)
	out.TicketID = ticketID
	return out, err
}
