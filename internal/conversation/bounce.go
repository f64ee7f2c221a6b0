package conversation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// ownMessageID is the shape of our replies' Message-IDs: sd.<ticket>.<message>.<workspace>@domain.
var ownMessageID = regexp.MustCompile(`^sd\.([0-9]+)\.([0-9]+)\.([0-9a-f]{8})@`)

// IsOwnMessageID reports whether a Message-ID (without angle brackets) is one of the workspace's
// replies, as the email sender makes them.
func IsOwnMessageID(tenantID uuid.UUID, id string) bool {
	m := ownMessageID.FindStringSubmatch(strings.ToLower(strings.Trim(id, "<> ")))
	return m != nil && m[3] == tenantID.String()[:8]
}

// MarkBounced fails the reply a delivery status notification reports as undelivered, after the
// channel had accepted it: matched is false (and nothing changes) unless channelMessageID is one
// of this workspace's replies. A reply already failed stays as it is (matched).
func (s *Service) MarkBounced(ctx context.Context, tenantID uuid.UUID, channelMessageID, reason string) (matched bool, err error) {
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		var err error
		matched, _, err = s.MarkBouncedTx(ctx, q, tx, tenantID, channelMessageID, reason)
		return err
	})
	return matched, err
}

// MarkBouncedTx is MarkBounced in the caller's transaction; it also returns the reply's ticket.
func (s *Service) MarkBouncedTx(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, channelMessageID, reason string) (matched bool, ticketID int64, err error) {
	id := strings.Trim(strings.TrimSpace(channelMessageID), "<>")
	parts := ownMessageID.FindStringSubmatch(strings.ToLower(id))
	if parts == nil || parts[3] != tenantID.String()[:8] {
		return false, 0, nil
	}
	m, err := q.MessageByChannelID(ctx, dbsqlc.MessageByChannelIDParams{TenantID: tenantID, ChannelMessageID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, fmt.Errorf("conversation: bounce lookup: %w", err)
	}
	if m.Kind != "outbound" || strconv.FormatInt(m.ID, 10) != parts[2] {
		return false, 0, nil
	}
	if _, err := q.TicketByIDForUpdate(ctx, dbsqlc.TicketByIDForUpdateParams{TenantID: tenantID, ID: m.TicketID}); err != nil {
		return false, 0, notFound(err)
	}
	if m, err = q.MessageForUpdate(ctx, dbsqlc.MessageForUpdateParams{TenantID: tenantID, ID: m.ID}); err != nil {
		return false, 0, notFound(err)
	}
	if m.DeliveryState == "failed" {
		return true, m.TicketID, nil
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "the customer's mail server sent it back as undeliverable"
	}
	if err := s.fail(ctx, q, tx, tenantID, m.ID, "returned after sending: "+reason, true, s.now()); err != nil {
		return false, 0, fmt.Errorf("conversation: mark bounced: %w", err)
	}
	return true, m.TicketID, nil
}
