package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Outgoing is a reply ready for a channel to deliver.
type Outgoing struct {
	TenantID   uuid.UUID
	MessageID  int64
	Ticket     Ticket
	Body       string
	To         []string
	AuthorName string
	// ChannelMessageID is set when an earlier attempt recorded one (it is deterministic anyway).
	ChannelMessageID string
	// Thread holds the ticket's earlier mail ids, newest first: In-Reply-To and References.
	Thread      []string
	Attachments []OutgoingAttachment
	// Interrupted says an earlier attempt started at StartedAt and never recorded its outcome
	// (the process died): the server may have accepted it, and the sender checks before sending.
	Interrupted bool
	StartedAt   time.Time
}

// OutgoingAttachment is one file of a reply.
type OutgoingAttachment struct {
	Name, ContentType string
	Data              []byte
}

// Sent is what a channel reports about a delivered reply.
type Sent struct {
	// ChannelMessageID is the id the channel knows the reply by (the email Message-ID), stored so
	// the customer's answer threads onto the ticket.
	ChannelMessageID string
}

// Sender delivers replies on a channel. The email and marketplace channels implement it; until
// they are connected, DevSender stands in.
type Sender interface {
	Send(ctx context.Context, out Outgoing) (Sent, error)
}

// PermanentError is a delivery failure that retrying cannot fix (a 5xx answer, revoked access);
// the message is marked failed with the reason and waits for a person to resend.
type PermanentError struct{ Reason string }

func (e *PermanentError) Error() string { return "permanent delivery failure: " + e.Reason }

// UnconfirmedError means an interrupted attempt may still have been accepted and cannot be
// confirmed yet; the reply stays "sending" and the job checks again later instead of sending a
// second copy.
type UnconfirmedError struct{ Reason string }

func (e *UnconfirmedError) Error() string { return "delivery unconfirmed: " + e.Reason }

// DevSender is the development sender: it delivers nothing and logs what it would have sent, so
// the demo workspace's replies go through the whole queued → sending → sent path.
type DevSender struct{ Logger *slog.Logger }

// Send logs the reply.
func (d DevSender) Send(ctx context.Context, out Outgoing) (Sent, error) {
	d.Logger.InfoContext(ctx, "development sender: reply not delivered anywhere", "tenant_id", out.TenantID, "ticket", out.Ticket.Number, "message_id", out.MessageID, "to", out.To)
	return Sent{}, nil
}

// Deliver moves one queued reply through sending to sent (or failed). It is idempotent: a
// message already sent is left alone, and an attempt that was interrupted after it started is
// handed to the sender as such, so the sender can recognise a copy the server already accepted.
func (s *Service) Deliver(ctx context.Context, sender Sender, tenantID uuid.UUID, messageID int64) error {
	var out Outgoing
	skip := false
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		m, err := q.MessageForUpdate(ctx, dbsqlc.MessageForUpdateParams{TenantID: tenantID, ID: messageID})
		if err != nil {
			return notFound(err)
		}
		if m.Kind != "outbound" || m.DeliveryState == "sent" || m.DeliveryState == "failed" {
			skip = true
			return nil
		}
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tenantID, ID: m.TicketID})
		if err != nil {
			return err
		}
		to, err := q.CustomerEmails(ctx, dbsqlc.CustomerEmailsParams{TenantID: tenantID, CustomerID: t.CustomerID})
		if err != nil {
			return err
		}
		out = Outgoing{TenantID: tenantID, MessageID: m.ID, Ticket: t, Body: m.BodyText, To: to, ChannelMessageID: m.ChannelMessageID}
		if m.AuthorUserID.Valid {
			if out.AuthorName, err = q.MemberName(ctx, dbsqlc.MemberNameParams{TenantID: tenantID, UserID: m.AuthorUserID.UUID}); err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		thread, err := q.ThreadChannelIDs(ctx, dbsqlc.ThreadChannelIDsParams{TenantID: tenantID, TicketID: t.ID})
		if err != nil {
			return err
		}
		for _, r := range thread {
			if r.ChannelMessageID != m.ChannelMessageID {
				out.Thread = append(out.Thread, r.ChannelMessageID)
			}
		}
		atts, err := q.AttachmentsWithData(ctx, dbsqlc.AttachmentsWithDataParams{TenantID: tenantID, MessageID: m.ID})
		if err != nil {
			return err
		}
		for _, a := range atts {
			out.Attachments = append(out.Attachments, OutgoingAttachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data})
		}
		if m.DeliveryState == "sending" && m.DeliveryStartedAt != nil {
			out.Interrupted, out.StartedAt = true, *m.DeliveryStartedAt
			return nil
		}
		if err := q.MessageStartDelivery(ctx, dbsqlc.MessageStartDeliveryParams{TenantID: tenantID, ID: m.ID}); err != nil {
			return err
		}
		return Notify(ctx, tx, tenantID, t.ID, "message.delivery")
	})
	if err != nil || skip {
		return err
	}
	sent, sendErr := sender.Send(ctx, out)
	state, reason := "sent", ""
	var (
		perm    *PermanentError
		unknown *UnconfirmedError
	)
	switch {
	case errors.As(sendErr, &unknown):
		// Still "sending": the next attempt checks again.
		return fmt.Errorf("conversation: deliver %d: %w", messageID, sendErr)
	case errors.As(sendErr, &perm):
		state, reason = "failed", perm.Reason
	case sendErr != nil:
		// Temporary and certainly not accepted: back to queued, and River retries with backoff.
		state, reason = "queued", sendErr.Error()
	}
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		if sent.ChannelMessageID != "" {
			if err := q.MessageSetChannelID(ctx, dbsqlc.MessageSetChannelIDParams{TenantID: tenantID, ID: messageID, ChannelMessageID: sent.ChannelMessageID}); err != nil {
				return err
			}
		}
		if err := q.MessageSetDelivery(ctx, dbsqlc.MessageSetDeliveryParams{TenantID: tenantID, ID: messageID, DeliveryState: state, DeliveryError: reason}); err != nil {
			return err
		}
		if state == "failed" {
			// A failed reply answered nothing: the response clock runs again.
			sc := tenant.Scope{Workspace: tenant.Workspace{ID: tenantID}}
			if err := s.changed(ctx, q, tx, sc, out.Ticket.ID, TriggerUpdated, 0); err != nil {
				return err
			}
		}
		return Notify(ctx, tx, tenantID, out.Ticket.ID, "message.delivery")
	})
	if err != nil {
		return fmt.Errorf("conversation: record delivery of %d: %w", messageID, err)
	}
	if state == "queued" {
		return fmt.Errorf("conversation: deliver %d: %w", messageID, sendErr)
	}
	return nil
}

// Resend queues a failed reply again (the "resend" button).
func (s *Service) Resend(ctx context.Context, sc tenant.Scope, messageID int64) error {
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		m, err := q.MessageForUpdate(ctx, dbsqlc.MessageForUpdateParams{TenantID: sc.TenantID(), ID: messageID})
		if err != nil {
			return notFound(err)
		}
		if m.Kind != "outbound" || m.DeliveryState != "failed" {
			return validate.Errors{"message": "reply.not_failed"}
		}
		if err := q.MessageSetDelivery(ctx, dbsqlc.MessageSetDeliveryParams{TenantID: sc.TenantID(), ID: m.ID, DeliveryState: "queued"}); err != nil {
			return err
		}
		n, err := q.EventCountOfKind(ctx, dbsqlc.EventCountOfKindParams{TenantID: sc.TenantID(), TicketID: m.TicketID, Kind: "resend"})
		if err != nil {
			return err
		}
		if s.jobs != nil {
			args := SendArgs{TenantID: sc.TenantID(), MessageID: m.ID, Resend: int(n) + 1}
			if _, err := s.jobs.InsertTx(ctx, tx, args, &river.InsertOpts{Metadata: TenantMetadata(sc.TenantID())}); err != nil {
				return err
			}
		}
		return event(ctx, q, tx, sc, m.TicketID, "resend", map[string]any{"message_id": m.ID})
	})
}
