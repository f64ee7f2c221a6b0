package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/replytoken"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// ProcessArgs is the River job that turns one stored raw message into a ticket message.
type ProcessArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	ID       int64     `json:"id"`
	// Retry stamps a manual retry from the quarantine (its second), so it is a new unique job.
	Retry int `json:"retry,omitempty"`
}

// Kind names the job.
func (ProcessArgs) Kind() string { return "mail.process" }

// InsertOpts: one processing job per stored message (and per manual retry).
func (ProcessArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Service is the one pipeline every mail source feeds: store raw, then process by job.
type Service struct {
	st   *store.Store
	jobs *river.Client[pgx.Tx]
	conv *conversation.Service
	keys *secret.Keyring
}

// New builds the pipeline; jobs may be nil in tests that call Process directly.
func New(st *store.Store, jobs *river.Client[pgx.Tx], conv *conversation.Service) *Service {
	return &Service{st: st, jobs: jobs, conv: conv}
}

// UseKeys lets the pipeline read reply tokens and recognise our own outgoing copies.
func (s *Service) UseKeys(k *secret.Keyring) { s.keys = k }

// UseJobs gives the service its River client after both exist.
func (s *Service) UseJobs(c *river.Client[pgx.Tx]) { s.jobs = c }

// Accept stores raw mail for a workspace and queues its processing in the same transaction. The
// same bytes accepted twice are stored once (duplicate is true the second time).
func (s *Service) Accept(ctx context.Context, tenantID uuid.UUID, source string, raw []byte) (id int64, duplicate bool, err error) {
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		id, duplicate, err = s.AcceptTx(ctx, q, tx, tenantID, source, 0, raw)
		return err
	})
	return id, duplicate, err
}

// AcceptFor is Accept for mail that arrived for one account (accountID 0: none).
func (s *Service) AcceptFor(ctx context.Context, tenantID uuid.UUID, source string, accountID int64, raw []byte) (id int64, duplicate bool, err error) {
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		id, duplicate, err = s.AcceptTx(ctx, q, tx, tenantID, source, accountID, raw)
		return err
	})
	return id, duplicate, err
}

// AcceptTx is Accept inside the caller's transaction, so a mailbox sync commits the raw mail, its
// processing jobs and the advanced cursor together. accountID 0 means no account (the gateway's
// workspace address).
func (s *Service) AcceptTx(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, source string, accountID int64, raw []byte) (id int64, duplicate bool, err error) {
	sum := sha256.Sum256(raw)
	acct := pgtype.Int8{Int64: accountID, Valid: accountID != 0}
	id, err = q.InboundAccept(ctx, dbsqlc.InboundAcceptParams{TenantID: tenantID, Source: source, RawSha256: sum[:], Raw: raw, AccountID: acct})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("ingest: store raw mail: %w", err)
	}
	return id, false, s.queue(ctx, tx, ProcessArgs{TenantID: tenantID, ID: id})
}

func (s *Service) queue(ctx context.Context, tx pgx.Tx, a ProcessArgs) error {
	if s.jobs == nil {
		return nil
	}
	md := fmt.Appendf(nil, `{"tenant_id":%q}`, a.TenantID.String())
	_, err := s.jobs.InsertTx(ctx, tx, a, &river.InsertOpts{Metadata: md})
	return err
}

// Outcome says what processing did with a message.
type Outcome struct {
	State    string // processed, duplicate, quarantined
	Reason   string
	TicketID int64
	Class    Class
}

// Process parses, classifies, dedupes and threads one stored message, then records the outcome.
// It is idempotent: a message already finished is left alone, and the unique channel message id
// on messages turns a retry after a crash into "duplicate" instead of a second copy.
func (s *Service) Process(ctx context.Context, tenantID uuid.UUID, id int64) (Outcome, error) {
	var row dbsqlc.InboundMessage
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		row, err = q.InboundForUpdate(ctx, dbsqlc.InboundForUpdateParams{TenantID: tenantID, ID: id})
		return store.NotFound(err)
	})
	if err != nil {
		return Outcome{}, err
	}
	if row.State != "pending" {
		return Outcome{State: row.State, Reason: row.Error}, nil
	}
	out, err := s.deliver(ctx, tenantID, row)
	if err != nil {
		return out, err
	}
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		tk := row.TicketID
		if out.TicketID != 0 {
			tk.Int64, tk.Valid = out.TicketID, true
		}
		return q.InboundFinish(ctx, dbsqlc.InboundFinishParams{TenantID: tenantID, ID: id, State: out.State, Error: out.Reason,
			MessageID: row.MessageID, TicketID: tk})
	})
	return out, err
}

func (s *Service) deliver(ctx context.Context, tenantID uuid.UUID, row dbsqlc.InboundMessage) (Outcome, error) {
	p, err := Parse(row.Raw)
	var pe *ParseError
	if errors.As(err, &pe) {
		return Outcome{State: "quarantined", Reason: pe.Reason}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	class := Classify(p)
	if s.keys != nil && replytoken.IsOwn(s.keys, tenantID, p.Header(replytoken.Header)) {
		// The copy of our own reply kept in the account's mailbox, synced back.
		return Outcome{State: "duplicate", Reason: "our own reply (the copy kept in the mailbox)", Class: class}, nil
	}
	mid := p.MessageID
	if mid == "" {
		// Mail without a Message-ID still gets a stable one, so a retry is recognisable.
		mid = "sha256-" + hex.EncodeToString(row.RawSha256) + "@inbound.shopdesk"
	}
	row.MessageID = mid
	sc := tenant.Scope{Workspace: tenant.Workspace{ID: tenantID}}
	var ticketID int64
	refs := append(append([]string{}, p.InReplyTo...), p.References...)
	if len(refs) > 0 {
		err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
			var err error
			ticketID, err = q.MessageTicketByChannelIDs(ctx, dbsqlc.MessageTicketByChannelIDsParams{TenantID: tenantID, Ids: refs})
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			return err
		})
		if err != nil {
			return Outcome{}, err
		}
	}
	if ticketID == 0 && s.keys != nil {
		if ticketID = s.tokenTicket(tenantID, p); ticketID != 0 {
			if _, err := s.conv.TicketByID(ctx, sc, ticketID); errors.Is(err, store.ErrNotFound) {
				ticketID = 0
			} else if err != nil {
				return Outcome{}, err
			}
		}
	}
	text := strings.TrimSpace(p.Text)
	if text == "" && p.HTML != "" {
		text = TextFromHTML(p.HTML)
	}
	atts, skipped := attachmentsOf(p)
	if len(skipped) > 0 {
		// What was not kept is said on the message itself; the raw mail keeps every byte.
		text += "\n\n[" + strings.Join(skipped, "]\n[") + "]"
	}
	// Some senders reuse a Message-ID for different mail (carrier notifications, say): the same id
	// with the same text is a copy; with other text it is a message of its own.
	mid, seen, err := s.identity(ctx, tenantID, mid, text)
	if err != nil {
		return Outcome{}, err
	}
	if seen {
		return Outcome{State: "duplicate", Reason: "a message with this Message-ID and the same text is already stored", Class: class}, nil
	}
	msg := conversation.Inbound{Text: text, HTML: SanitizeHTML(p.HTML), From: p.From.Address, ChannelMessageID: mid, Automated: class.Automatic,
		Attachments: atts}
	if !p.Date.IsZero() {
		msg.At = p.Date
	}
	var tk conversation.Ticket
	if ticketID != 0 {
		t, err := s.conv.TicketByID(ctx, sc, ticketID)
		if err != nil {
			return Outcome{}, err
		}
		_, err = s.conv.AppendInbound(ctx, sc, t.Number, msg)
		tk = t
		if err != nil {
			return dup(err, class)
		}
	} else {
		tags := []string{}
		if class.Automatic {
			tags = append(tags, "automatic")
		}
		subject := p.Subject
		if subject == "" {
			subject = "(no subject)"
		}
		nt := conversation.NewTicket{Channel: "email", Subject: subject, Tags: tags,
			Customer: conversation.CustomerRef{Name: p.From.Name, Email: p.From.Address}, Message: msg}
		if row.AccountID.Valid {
			nt.EmailAccountID = row.AccountID.Int64
			if nt.Store, err = s.accountName(ctx, tenantID, row.AccountID.Int64); err != nil {
				return Outcome{}, err
			}
		}
		tk, err = s.conv.CreateInbound(ctx, sc, nt)
		if err != nil {
			return dup(err, class)
		}
	}
	return Outcome{State: "processed", TicketID: tk.ID, Class: class}, nil
}

// identity settles the channel message id of a message: its Message-ID, or the Message-ID plus a
// hash of the text when another message already holds the id. seen is true for a copy of a stored
// message (same id, same text).
func (s *Service) identity(ctx context.Context, tenantID uuid.UUID, mid, text string) (id string, seen bool, err error) {
	sum := sha256.Sum256([]byte(text))
	candidates := []string{mid, mid + "#" + hex.EncodeToString(sum[:6])}
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		for _, c := range candidates {
			stored, err := q.MessageTextByChannelID(ctx, dbsqlc.MessageTextByChannelIDParams{TenantID: tenantID, ChannelMessageID: c})
			if errors.Is(err, pgx.ErrNoRows) {
				id = c
				return nil
			}
			if err != nil {
				return err
			}
			if stored == text {
				seen = true
				return nil
			}
		}
		seen = true // both taken by other text: keep the raw mail as a duplicate rather than guess
		return nil
	})
	return id, seen, err
}

// Limits on a customer message's attachments. The raw message is always kept whole.
const (
	MaxAttachmentBytes = 25 << 20
	MaxAttachments     = 50
)

// attachmentsOf keeps a message's files within the limits and says which it left out.
func attachmentsOf(p *Parsed) (kept []conversation.Upload, skipped []string) {
	for _, a := range p.Attachments {
		name := a.Name
		if name == "" {
			name = "attachment"
		}
		switch {
		case len(a.Data) > MaxAttachmentBytes:
			skipped = append(skipped, fmt.Sprintf("attachment %s (%d MB) not stored: files over %d MB are kept only in the original message", name, len(a.Data)>>20, MaxAttachmentBytes>>20))
		case len(kept) >= MaxAttachments:
			skipped = append(skipped, fmt.Sprintf("attachment %s not stored: only the first %d files of a message are kept separately", name, MaxAttachments))
		default:
			kept = append(kept, conversation.Upload{Name: name, ContentType: a.ContentType, ContentID: strings.Trim(a.ContentID, "<>"), Data: a.Data})
		}
	}
	return kept, skipped
}

// tokenTicket finds the ticket a valid reply token among the recipients names (0: none). The
// token's ticket must exist: a token for a deleted ticket starts a new one.
func (s *Service) tokenTicket(tenantID uuid.UUID, p *Parsed) int64 {
	var addrs []string
	for _, a := range p.To {
		addrs = append(addrs, a.Address)
	}
	for _, h := range []string{"Cc", "Delivered-To", "X-Original-To"} {
		for _, v := range p.headers(h) {
			if list, err := mail.ParseAddressList(v); err == nil {
				for _, a := range list {
					addrs = append(addrs, a.Address)
				}
			} else {
				addrs = append(addrs, strings.Trim(strings.TrimSpace(v), "<>"))
			}
		}
	}
	for _, a := range addrs {
		if id, ok := replytoken.Ticket(s.keys, tenantID, a); ok {
			return id
		}
	}
	return 0
}

func (s *Service) accountName(ctx context.Context, tenantID uuid.UUID, id int64) (string, error) {
	var name string
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		a, err := q.EmailAccountGet(ctx, dbsqlc.EmailAccountGetParams{TenantID: tenantID, ID: id})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // removed since: the ticket simply names no store
		}
		name = a.Name
		return err
	})
	return name, err
}

// dup turns the unique-id violation of a message stored before (another copy, or this one before a
// crash) into the duplicate outcome.
func dup(err error, class Class) (Outcome, error) {
	if c, ok := store.UniqueViolation(err); ok && c == "messages_channel_id_idx" {
		return Outcome{State: "duplicate", Reason: "a message with this Message-ID is already stored", Class: class}, nil
	}
	return Outcome{}, err
}

// Quarantined lists the workspace's quarantined messages, newest first; a valid account narrows
// the list to that account's mail.
func (s *Service) Quarantined(ctx context.Context, sc tenant.Scope, account pgtype.Int8, limit int32) ([]dbsqlc.InboundQuarantinedRow, error) {
	var out []dbsqlc.InboundQuarantinedRow
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.InboundQuarantined(ctx, dbsqlc.InboundQuarantinedParams{TenantID: sc.TenantID(), MaxRows: limit, AccountID: account})
		return err
	})
	return out, err
}

// Retry puts a quarantined message back into processing (after a fix in the parser, say). Retries
// within the same second are one job, which absorbs a double click.
func (s *Service) Retry(ctx context.Context, sc tenant.Scope, id int64) error {
	attempt := int(time.Now().Unix())
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		n, err := q.InboundRequeue(ctx, dbsqlc.InboundRequeueParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return err
		}
		if n == 0 {
			return validate.Errors{"message": "quarantine.not_quarantined"}
		}
		return s.queue(ctx, tx, ProcessArgs{TenantID: sc.TenantID(), ID: id, Retry: attempt})
	})
}

// Raw returns a stored message's bytes (the "download raw" of the quarantine list).
func (s *Service) Raw(ctx context.Context, sc tenant.Scope, id int64) ([]byte, error) {
	var raw []byte
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		raw, err = q.InboundRaw(ctx, dbsqlc.InboundRawParams{TenantID: sc.TenantID(), ID: id})
		return store.NotFound(err)
	})
	return raw, err
}
