package conversation

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/search"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Attachment limits for replies and notes.
const (
	MaxAttachmentBytes = 10 << 20
	MaxAttachments     = 10
	MaxBodyChars       = 100_000
)

// Upload is an attachment an agent adds to a reply or note, or one that came with a customer's
// message (ContentID set for an inline image the message's HTML refers to as cid:).
type Upload struct {
	Name        string
	ContentType string
	ContentID   string
	Data        []byte
}

// ReplyInput is what the composer sends.
type ReplyInput struct {
	Body string
	Note bool
	// Status, when set, moves the ticket after the reply ("Send and resolve").
	Status string
	// SeenLastMessageAt is the ticket's last message time when the composer was opened; a newer
	// customer message or someone else's reply holds the reply unless Confirm is set.
	SeenLastMessageAt *time.Time
	Confirm           bool
	Uploads           []Upload
	// Supersedes is a failed reply this one replaces ("Edit and resend"): it keeps its files,
	// and the failed one is marked replaced instead of offering a resend.
	Supersedes int64
}

// SendArgs is the River job that delivers one outbound reply.
type SendArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	MessageID int64     `json:"message_id"`
	// Resend counts manual resends, so a resend is a new unique job after a failed one completed.
	Resend int `json:"resend,omitempty"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "reply.send" }

// InsertOpts: one send job per message, whatever retries the web request makes.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "send", UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// CannotReply says whether a ticket's replies have nowhere to go: an email ticket whose customer
// has no address (mail whose From held none, "From: foo").
func CannotReply(channel string, emails []string) bool {
	return channel == "email" && len(emails) == 0
}

// Reply adds a reply (queued for sending in the same transaction) or an internal note.
func (s *Service) Reply(ctx context.Context, sc tenant.Scope, number int64, in ReplyInput) (Message, error) {
	in.Body = strings.TrimSpace(in.Body)
	errs := validate.Errors{}
	switch {
	case in.Body == "" && len(in.Uploads) == 0:
		errs.Add("body", "reply.empty")
	case utf8.RuneCountInString(in.Body) > MaxBodyChars:
		errs.Add("body", "reply.too_long")
	}
	if len(in.Uploads) > MaxAttachments {
		errs.Add("attachments", "reply.too_many_files")
	}
	for _, u := range in.Uploads {
		if len(u.Data) > MaxAttachmentBytes {
			errs.Add("attachments", "reply.file_too_large")
		}
	}
	if in.Status != "" && (in.Note || (in.Status != "resolved" && in.Status != "pending")) {
		errs.Add("status", "ticket.status_invalid")
	}
	if err := errs.Err(); err != nil {
		return Message{}, err
	}
	var m Message
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		t, err := q.TicketForUpdate(ctx, dbsqlc.TicketForUpdateParams{TenantID: sc.TenantID(), Number: number})
		if err != nil {
			return notFound(err)
		}
		if err := refuseMergedAway(t); err != nil {
			return err
		}
		if !in.Note && !in.Confirm && (in.SeenLastMessageAt == nil || t.LastMessageAt.After(*in.SeenLastMessageAt)) {
			if in.SeenLastMessageAt == nil || (t.LastCustomerAt != nil && t.LastCustomerAt.After(*in.SeenLastMessageAt)) {
				return ErrCustomerWroteAgain
			}
			return ErrRepliedMeanwhile
		}
		if !in.Note && t.Channel == "email" {
			to, err := q.CustomerEmails(ctx, dbsqlc.CustomerEmailsParams{TenantID: sc.TenantID(), CustomerID: t.CustomerID})
			if err != nil {
				return err
			}
			if CannotReply(t.Channel, to) {
				// Refused here rather than queued to fail: there is nowhere to send it.
				return validate.Errors{"body": "reply.no_customer_address"}
			}
		}
		kind, state := "outbound", "queued"
		if in.Note {
			kind, state = "note", ""
		} else if err := s.ready(ctx, q, t); err != nil {
			// Refused before anything is written: the page keeps the draft and says why.
			return err
		}
		var replaced Message
		if in.Supersedes != 0 && !in.Note {
			if replaced, err = supersedable(ctx, q, sc, t, in.Supersedes); err != nil {
				return err
			}
		}
		if !in.Note {
			if in.Body, err = signed(ctx, q, sc, t.Channel, in.Body); err != nil {
				return err
			}
		}
		var checked compliance.Result
		var ct dbsqlc.ComplianceTicketRow
		if _, rules := compliance.RulesFor(t.Channel); rules && !in.Note {
			// The marketplace's rules run on exactly what goes out: the signed text and the
			// files' names. A blocking finding refuses the reply before anything is written.
			if checked, ct, err = compliance.CheckTx(ctx, q, sc, number, compliance.Draft{Text: in.Body, Signed: true, Attachments: uploadsOf(in.Uploads)}); err != nil {
				return err
			}
			if checked.Blocked() {
				return &compliance.Refusal{Result: checked}
			}
		}
		id, err := q.MessageCreate(ctx, dbsqlc.MessageCreateParams{
			TenantID: sc.TenantID(), TicketID: t.ID, Kind: kind, AuthorUserID: uuid.NullUUID{UUID: sc.UserID, Valid: true},
			BodyText: in.Body, DeliveryState: state, CreatedAt: s.now(), Terms: search.Terms(in.Body),
		})
		if err != nil {
			return fmt.Errorf("conversation: add reply: %w", err)
		}
		for _, u := range in.Uploads {
			if err := addUpload(ctx, q, sc.TenantID(), id, u); err != nil {
				return err
			}
		}
		if checked.Request && ct.OrderID.Valid {
			// The order's one feedback or review request: the next one is refused.
			kind := compliance.RequestReview
			if t.Channel == "ebay" {
				kind = compliance.RequestFeedback
			}
			if err := compliance.RecordTx(ctx, q, sc.TenantID(), compliance.RequestInput{OrderID: ct.OrderID.UUID, Kind: kind, Channel: t.Channel,
				TicketID: t.ID, MessageID: id, Source: compliance.SourceManual, RequestedAt: s.now()}); err != nil {
				return err
			}
		}
		if !in.Note {
			if err := q.DeliveryStart(ctx, dbsqlc.DeliveryStartParams{TenantID: sc.TenantID(), MessageID: id, ThenStatus: in.Status}); err != nil {
				return err
			}
		}
		if replaced.ID != 0 {
			if err := q.AttachmentsCopy(ctx, dbsqlc.AttachmentsCopyParams{TenantID: sc.TenantID(), ToMessageID: id, FromMessageID: replaced.ID}); err != nil {
				return err
			}
			if err := q.DeliverySupersede(ctx, dbsqlc.DeliverySupersedeParams{TenantID: sc.TenantID(), MessageID: replaced.ID, SupersededBy: int8Of(id)}); err != nil {
				return err
			}
			if err := event(ctx, q, tx, sc, t.ID, "reply_superseded", map[string]any{"message_id": replaced.ID, "replacement_id": id}); err != nil {
				return err
			}
		}
		if err := q.TicketRefreshSummary(ctx, dbsqlc.TicketRefreshSummaryParams{TenantID: sc.TenantID(), ID: t.ID}); err != nil {
			return err
		}
		if in.Note {
			if err := s.notifyMentions(ctx, q, tx, sc, t, id, in.Body); err != nil {
				return err
			}
		} else if s.jobs != nil {
			if _, err := s.jobs.InsertTx(ctx, tx, SendArgs{TenantID: sc.TenantID(), MessageID: id}, &river.InsertOpts{Metadata: TenantMetadata(sc.TenantID())}); err != nil {
				return fmt.Errorf("conversation: queue send: %w", err)
			}
		}
		if in.Status != "" {
			kind, data, err := s.setStatus(ctx, q, sc, t, in.Status, nil)
			if err != nil {
				return err
			}
			if kind != "" {
				if err := event(ctx, q, tx, sc, t.ID, kind, data); err != nil {
					return err
				}
			}
		}
		if m, err = q.MessageGet(ctx, dbsqlc.MessageGetParams{TenantID: sc.TenantID(), ID: id}); err != nil {
			return err
		}
		trigger := TriggerAgentReplied
		if in.Note {
			trigger = TriggerUpdated
		}
		if err := s.changed(ctx, q, tx, sc, t.ID, trigger, id); err != nil {
			return err
		}
		// "Send and resolve" is a reply and a status change: rules for either run.
		if in.Status != "" && in.Status != t.Status {
			if err := s.changed(ctx, q, tx, sc, t.ID, TriggerStatusChanged, 0); err != nil {
				return err
			}
		}
		return Notify(ctx, tx, sc.TenantID(), t.ID, "message."+kind)
	})
	return m, err
}

// supersedable is the failed reply of this ticket that "Edit and resend" replaces, locked.
func supersedable(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, t Ticket, id int64) (Message, error) {
	m, err := q.MessageForUpdate(ctx, dbsqlc.MessageForUpdateParams{TenantID: sc.TenantID(), ID: id})
	if errors.Is(err, pgx.ErrNoRows) || err == nil && m.TicketID != t.ID {
		return m, validate.Errors{"body": "reply.not_failed"}
	}
	if err != nil {
		return m, err
	}
	if m.Kind != "outbound" || m.DeliveryState != "failed" {
		return m, validate.Errors{"body": "reply.not_failed"}
	}
	d, err := q.DeliveryGet(ctx, dbsqlc.DeliveryGetParams{TenantID: sc.TenantID(), MessageID: id})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return m, err
	}
	if d.SupersededBy.Valid {
		return m, validate.Errors{"body": "reply.superseded"}
	}
	return m, nil
}

func addUpload(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, messageID int64, u Upload) error {
	sum := sha256.Sum256(u.Data)
	if err := q.BlobPut(ctx, dbsqlc.BlobPutParams{TenantID: tenantID, Sha256: sum[:], Data: u.Data}); err != nil {
		return fmt.Errorf("conversation: store attachment: %w", err)
	}
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = "attachment"
	}
	ct := u.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	return q.AttachmentAdd(ctx, dbsqlc.AttachmentAddParams{TenantID: tenantID, MessageID: messageID, Name: name, ContentType: ct,
		Size: int64(len(u.Data)), Sha256: sum[:], ContentID: u.ContentID})
}

var mentionPattern = regexp.MustCompile(`@([\p{L}\p{N}._-]+)`)

// MentionHandle is what follows @ to mention a member in a note: the part of their email before
// the @ (unique in practice), or their first name when that part holds characters a mention
// cannot (a "+", say). notifyMentions resolves either back to the member.
func MentionHandle(name, email string) string {
	local, _, _ := strings.Cut(email, "@")
	if m := mentionPattern.FindStringSubmatch("@" + local); m != nil && m[1] == local && strings.TrimRight(local, "._-") == local {
		return local
	}
	first, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return first
}

// notifyMentions notifies each member named in a note as @firstname or @email-local-part.
func (s *Service) notifyMentions(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, t Ticket, messageID int64, body string) error {
	handles := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(body, -1) {
		handles[strings.ToLower(strings.TrimRight(m[1], "._-"))] = true
	}
	if len(handles) == 0 {
		return nil
	}
	members, err := q.MembersForMention(ctx, sc.TenantID())
	if err != nil {
		return err
	}
	for _, m := range members {
		local, _, _ := strings.Cut(m.Email, "@")
		first, _, _ := strings.Cut(strings.ToLower(m.Name), " ")
		if m.UserID == sc.UserID || !(handles[strings.ToLower(local)] || handles[first]) {
			continue
		}
		if err := AddNotice(ctx, q, tx, sc.TenantID(), Notice{UserID: m.UserID, Kind: NoticeMention, TicketID: t.ID, MessageID: messageID, Actor: sc.UserID}); err != nil {
			return err
		}
	}
	return nil
}

// Notification is an unread notice for one person.
type Notification = dbsqlc.NotificationsUnreadRow

// Notifications lists the person's unread notices, newest first.
func (s *Service) Notifications(ctx context.Context, sc tenant.Scope) ([]Notification, error) {
	var out []Notification
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.NotificationsUnread(ctx, dbsqlc.NotificationsUnreadParams{TenantID: sc.TenantID(), UserID: sc.UserID})
		return err
	})
	return out, err
}

func uploadsOf(ups []Upload) []compliance.Attachment {
	out := make([]compliance.Attachment, len(ups))
	for i, u := range ups {
		out[i] = compliance.Attachment{Name: u.Name, ContentType: u.ContentType, Size: int64(len(u.Data))}
	}
	return out
}
