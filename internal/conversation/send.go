package conversation

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	// Via names what took the reply when it was not the channel itself (the development mail
	// sink); empty for a real delivery.
	Via string
}

// Sender delivers replies on a channel (see Senders for which channel has one).
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

// RetryError is a transient failure recorded on the reply: the next attempt is due After from
// now (the job waits that long), within the retry window.
type RetryError struct {
	Attempt int
	After   time.Duration
	Reason  string
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("delivery attempt %d failed, retrying in %s: %s", e.Attempt, e.After, e.Reason)
}

// RetryPolicy bounds the retries of a transient failure: the reply is retried on Backoff's
// schedule until Window has passed since its first failure, then it fails with the last reason.
type RetryPolicy struct {
	Window time.Duration
	// Backoff is the wait after the nth failed attempt (n from 1).
	Backoff func(attempt int) time.Duration
}

// DefaultRetryWindow is how long a transient send failure is retried before the reply fails.
const DefaultRetryWindow = time.Hour

// defaultBackoff: 30 s, 1, 2, 4, 8 minutes, then every 10 minutes.
func defaultBackoff(attempt int) time.Duration {
	d := 30 * time.Second << min(attempt-1, 5)
	return min(d, 10*time.Minute)
}

// UseRetryPolicy sets the retry window and schedule (zero fields keep the defaults).
func (s *Service) UseRetryPolicy(p RetryPolicy) { s.retry = p }

func (s *Service) retryPolicy() RetryPolicy {
	p := s.retry
	if p.Window <= 0 {
		p.Window = DefaultRetryWindow
	}
	if p.Backoff == nil {
		p.Backoff = defaultBackoff
	}
	return p
}

// Deliver moves one queued reply through sending to sent (or failed). It is idempotent: a
// message already sent is left alone, and an attempt that was interrupted after it started is
// handed to the sender as such, so the sender can recognise a copy the server already accepted.
//
// Outcomes: accepted → sent (the SLA counts it from now); a permanent refusal → failed at once;
// a transient one → queued again with the attempt, the next try and the reason on the reply,
// returned as a *RetryError, until the retry window has passed → failed. A failure notifies the
// author and the assignee, takes back what the reply met, and reopens a ticket it resolved.
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
		if to, err = marketplaceRecipient(ctx, q, t, to); err != nil {
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
	var (
		perm    *PermanentError
		unknown *UnconfirmedError
	)
	if errors.As(sendErr, &unknown) {
		// Still "sending": the next attempt checks again.
		return fmt.Errorf("conversation: deliver %d: %w", messageID, sendErr)
	}
	var retry *RetryError
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		// The ticket first, as every change to it does; automation expects it locked.
		if _, err := q.TicketByIDForUpdate(ctx, dbsqlc.TicketByIDForUpdateParams{TenantID: tenantID, ID: out.Ticket.ID}); err != nil {
			return notFound(err)
		}
		if sent.ChannelMessageID != "" {
			if err := q.MessageSetChannelID(ctx, dbsqlc.MessageSetChannelIDParams{TenantID: tenantID, ID: messageID, ChannelMessageID: sent.ChannelMessageID}); err != nil {
				return err
			}
		}
		now := s.now()
		switch {
		case sendErr == nil:
			return s.accepted(ctx, q, tx, tenantID, out.Ticket.ID, messageID, sent.Via, now)
		case errors.As(sendErr, &perm):
			return s.fail(ctx, q, tx, tenantID, messageID, perm.Reason, false, now)
		}
		// Temporary and certainly not accepted: queued again until the window closes.
		reason := sendErr.Error()
		d, err := q.DeliveryGet(ctx, dbsqlc.DeliveryGetParams{TenantID: tenantID, MessageID: messageID})
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		pol := s.retryPolicy()
		since := now
		if d.RetrySince != nil {
			since = *d.RetrySince
		}
		if !now.Before(since.Add(pol.Window)) {
			return s.fail(ctx, q, tx, tenantID, messageID, fmt.Sprintf("gave up after %d attempts in %s: %s", d.Attempts+1, windowLabel(pol.Window), reason), false, now)
		}
		attempt := int(d.Attempts) + 1
		next := now.Add(pol.Backoff(attempt))
		if end := since.Add(pol.Window); next.After(end) {
			next = end // the last try is at the end of the window
		}
		if err := q.DeliveryRetry(ctx, dbsqlc.DeliveryRetryParams{TenantID: tenantID, MessageID: messageID, At: &now, NextAt: &next}); err != nil {
			return err
		}
		if err := q.MessageSetDeliveryAt(ctx, dbsqlc.MessageSetDeliveryAtParams{TenantID: tenantID, ID: messageID, DeliveryState: "queued", DeliveryError: reason, At: now}); err != nil {
			return err
		}
		retry = &RetryError{Attempt: attempt, After: next.Sub(now), Reason: reason}
		return Notify(ctx, tx, tenantID, out.Ticket.ID, "message.delivery")
	})
	if err != nil {
		return fmt.Errorf("conversation: record delivery of %d: %w", messageID, err)
	}
	if retry != nil {
		return fmt.Errorf("conversation: deliver %d: %w", messageID, retry)
	}
	return nil
}

// windowLabel says a retry window in plain words ("1 hour", "90 minutes", "5 seconds").
func windowLabel(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		if d == time.Hour {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
}

// accepted records that the channel took the reply: it now counts as an answer (first reply,
// SLA targets), from this moment.
func (s *Service) accepted(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, ticketID, messageID int64, via string, now time.Time) error {
	if err := q.MessageSetDeliveryAt(ctx, dbsqlc.MessageSetDeliveryAtParams{TenantID: tenantID, ID: messageID, DeliveryState: "sent", At: now}); err != nil {
		return err
	}
	if err := q.DeliveryAccepted(ctx, dbsqlc.DeliveryAcceptedParams{TenantID: tenantID, MessageID: messageID, Via: via}); err != nil {
		return err
	}
	if err := q.TicketRefreshSummary(ctx, dbsqlc.TicketRefreshSummaryParams{TenantID: tenantID, ID: ticketID}); err != nil {
		return err
	}
	sc := tenant.Scope{Workspace: tenant.Workspace{ID: tenantID}}
	if err := s.changed(ctx, q, tx, sc, ticketID, TriggerUpdated, 0); err != nil {
		return err
	}
	return Notify(ctx, tx, tenantID, ticketID, "message.delivery")
}

// fail marks a reply failed with its reason, in the caller's transaction (the ticket locked):
// the reply answered nothing, so first_reply_at and the SLA targets are recomputed without it; a
// ticket it resolved ("Send and resolve") opens again; its author and the ticket's assignee are
// told. bounced says a delivery report came back after the channel had accepted it.
func (s *Service) fail(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, messageID int64, reason string, bounced bool, now time.Time) error {
	m, err := q.MessageGet(ctx, dbsqlc.MessageGetParams{TenantID: tenantID, ID: messageID})
	if err != nil {
		return notFound(err)
	}
	t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tenantID, ID: m.TicketID})
	if err != nil {
		return err
	}
	if err := q.MessageSetDeliveryAt(ctx, dbsqlc.MessageSetDeliveryAtParams{TenantID: tenantID, ID: messageID, DeliveryState: "failed", DeliveryError: reason, At: now}); err != nil {
		return err
	}
	d, err := q.DeliveryGet(ctx, dbsqlc.DeliveryGetParams{TenantID: tenantID, MessageID: messageID})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if err := q.DeliveryFailed(ctx, dbsqlc.DeliveryFailedParams{TenantID: tenantID, MessageID: messageID, At: &now, Bounced: bounced}); err != nil {
		return err
	}
	if err := q.TicketRefreshSummary(ctx, dbsqlc.TicketRefreshSummaryParams{TenantID: tenantID, ID: t.ID}); err != nil {
		return err
	}
	sc := tenant.Scope{Workspace: tenant.Workspace{ID: tenantID}}
	kind := "reply_failed"
	if bounced {
		kind = "reply_bounced"
	}
	if err := event(ctx, q, tx, sc, t.ID, kind, map[string]any{"message_id": messageID, "reason": reason}); err != nil {
		return err
	}
	if d.ThenStatus == "resolved" && (t.Status == "resolved" || t.Status == "closed") {
		// "Send and resolve" resolved the ticket on the strength of this reply.
		k, data, err := s.setStatus(ctx, q, sc, t, "open", nil)
		if err != nil {
			return err
		}
		data["why"] = "reply_failed"
		if err := event(ctx, q, tx, sc, t.ID, k, data); err != nil {
			return err
		}
		if err := s.changed(ctx, q, tx, sc, t.ID, TriggerStatusChanged, 0); err != nil {
			return err
		}
	} else if err := s.changed(ctx, q, tx, sc, t.ID, TriggerUpdated, 0); err != nil {
		// A failed reply answered nothing: the response clock runs again.
		return err
	}
	return s.notifyFailed(ctx, q, tx, tenantID, t, m, reason, now)
}

// notifyFailed tells the reply's author and the ticket's assignee, in the app and by mail.
func (s *Service) notifyFailed(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, t Ticket, m Message, reason string, now time.Time) error {
	var people []uuid.UUID
	for _, p := range []uuid.NullUUID{m.AuthorUserID, t.AssigneeID} {
		if p.Valid && !slices.Contains(people, p.UUID) {
			people = append(people, p.UUID)
		}
	}
	mailer, _ := s.auto.(Noticer)
	for _, p := range people {
		if err := AddNotice(ctx, q, tx, tenantID, Notice{UserID: p, Kind: NoticeReplyFailed, TicketID: t.ID, MessageID: m.ID}); err != nil {
			return err
		}
		if mailer != nil {
			if err := mailer.MailNotice(ctx, tx, tenantID, p, t.ID, "reply_failed:"+reason, now.UnixMilli()); err != nil {
				return err
			}
		}
	}
	return nil
}

// Noticer mails a notice to a person of the workspace (the automation engine's notice job).
type Noticer interface {
	MailNotice(ctx context.Context, tx pgx.Tx, tenantID, userID uuid.UUID, ticketID int64, why string, event int64) error
}

// Resend queues a failed reply again (the "Resend" button): a new series of attempts with a
// new retry window. A reply replaced by "Edit and resend", or on a channel that can no longer
// deliver, is not resent.
func (s *Service) Resend(ctx context.Context, sc tenant.Scope, messageID int64) error {
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		m, err := q.MessageForUpdate(ctx, dbsqlc.MessageForUpdateParams{TenantID: sc.TenantID(), ID: messageID})
		if err != nil {
			return notFound(err)
		}
		if m.Kind != "outbound" || m.DeliveryState != "failed" {
			return validate.Errors{"message": "reply.not_failed"}
		}
		d, err := q.DeliveryGet(ctx, dbsqlc.DeliveryGetParams{TenantID: sc.TenantID(), MessageID: m.ID})
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if d.SupersededBy.Valid {
			return validate.Errors{"message": "reply.superseded"}
		}
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: sc.TenantID(), ID: m.TicketID})
		if err != nil {
			return err
		}
		if err := s.ready(ctx, q, t); err != nil {
			return err
		}
		if err := q.MessageSetDelivery(ctx, dbsqlc.MessageSetDeliveryParams{TenantID: sc.TenantID(), ID: m.ID, DeliveryState: "queued"}); err != nil {
			return err
		}
		if err := q.DeliveryReset(ctx, dbsqlc.DeliveryResetParams{TenantID: sc.TenantID(), MessageID: m.ID}); err != nil {
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
