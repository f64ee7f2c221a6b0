package conversation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/search"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// MessageOrder is an order a marketplace message names: what the mail says, nothing more.
type MessageOrder struct {
	Marketplace   string // the site, "amazon.de"
	Store         string
	Number        string
	SourceAccount string
	ItemID        string // the ASIN
	Title         string
}

// NoteOrderTx records the order a marketplace message names and links it to the ticket when the
// ticket has none yet. An order a fetch from the marketplace already stored keeps its data; only
// a missing buyer, store or line is filled in.
func (s *Service) NoteOrderTx(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, ticketID int64, o MessageOrder) error {
	t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tenantID, ID: ticketID})
	if err != nil {
		return fmt.Errorf("conversation: note order: %w", err)
	}
	id, err := q.OrderNoteFromMessage(ctx, dbsqlc.OrderNoteFromMessageParams{TenantID: tenantID,
		CustomerID: uuid.NullUUID{UUID: t.CustomerID, Valid: true}, Marketplace: o.Marketplace, Store: o.Store,
		Number: o.Number, SourceAccount: o.SourceAccount})
	if err != nil {
		return fmt.Errorf("conversation: note order %s: %w", o.Number, err)
	}
	if o.ItemID != "" || o.Title != "" {
		if err := q.OrderLineFromMessage(ctx, dbsqlc.OrderLineFromMessageParams{TenantID: tenantID, OrderID: id, Title: o.Title, ItemID: o.ItemID}); err != nil {
			return fmt.Errorf("conversation: note order line: %w", err)
		}
	}
	if linked, err := q.TicketOrderID(ctx, dbsqlc.TicketOrderIDParams{TenantID: tenantID, ID: ticketID}); err != nil || linked.Valid {
		return err
	}
	return q.TicketSetOrder(ctx, dbsqlc.TicketSetOrderParams{TenantID: tenantID, ID: ticketID, OrderID: uuid.NullUUID{UUID: id, Valid: true}})
}

// RecordSentElsewhereTx stores a reply the seller sent outside Shopdesk (Amazon's copy of a
// message written in Seller Central) as an outbound message already delivered: it answers the
// buyer, so the response clocks stop as for a reply sent here.
func (s *Service) RecordSentElsewhereTx(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, ticketID int64, text, channelMessageID string, at time.Time) (int64, error) {
	if at.IsZero() {
		at = s.now()
	}
	id, err := q.MessageCreate(ctx, dbsqlc.MessageCreateParams{TenantID: sc.TenantID(), TicketID: ticketID, Kind: "outbound",
		BodyText: text, ChannelMessageID: channelMessageID, DeliveryState: "sent", CreatedAt: at, Terms: search.Terms(text)})
	if err != nil {
		return 0, fmt.Errorf("conversation: reply sent elsewhere: %w", err)
	}
	if err := q.TicketRefreshSummary(ctx, dbsqlc.TicketRefreshSummaryParams{TenantID: sc.TenantID(), ID: ticketID}); err != nil {
		return 0, err
	}
	if err := event(ctx, q, tx, sc, ticketID, "sent_elsewhere", map[string]any{"message_id": id}); err != nil {
		return 0, err
	}
	if err := s.changed(ctx, q, tx, sc, ticketID, TriggerAgentReplied, id); err != nil {
		return 0, err
	}
	return id, Notify(ctx, tx, sc.TenantID(), ticketID, "message.outbound")
}

// marketplaceRecipient is where a relay-mail ticket's reply goes (Amazon, Walmart): the exact
// address of the buyer's newest message, +suffix included, as channels.md 1.5 asks; other
// channels keep the customer's addresses.
func marketplaceRecipient(ctx context.Context, q *dbsqlc.Queries, t Ticket, to []string) ([]string, error) {
	if t.Channel != "amazon" && t.Channel != "walmart" {
		return to, nil
	}
	a, err := q.TicketReplyAddress(ctx, dbsqlc.TicketReplyAddressParams{TenantID: t.TenantID, TicketID: t.ID})
	if errors.Is(err, pgx.ErrNoRows) {
		return to, nil
	}
	if err != nil {
		return nil, fmt.Errorf("conversation: reply address: %w", err)
	}
	return []string{a}, nil
}
