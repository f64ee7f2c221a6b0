package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
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
	// Recover marks the one-time recovery's job, new even where the message had a job before.
	Recover bool `json:"recover,omitempty"`
}

// Kind names the job.
func (ProcessArgs) Kind() string { return "mail.process" }

// InsertOpts: one processing job per stored message (and per manual retry). Transient failures
// are retried quickly and often (see the worker's retry schedule) before the message is quarantined.
func (ProcessArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, MaxAttempts: MaxAttempts}
}

// ProcessBatchArgs processes the messages a mailbox sync stored together.
type ProcessBatchArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	IDs      []int64   `json:"ids"`
}

// Kind names the job.
func (ProcessBatchArgs) Kind() string { return "mail.process_batch" }

// InsertOpts: one job per batch.
func (ProcessBatchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, MaxAttempts: MaxAttempts}
}

// Service is the one pipeline every mail source feeds: store raw, then process by job.
type Service struct {
	st     *store.Store
	jobs   *river.Client[pgx.Tx]
	conv   *conversation.Service
	keys   *secret.Keyring
	logger *slog.Logger
	now    func() time.Time
	avail  availability
	// verifier authenticates mail before it may count as a marketplace's; optOut records buyer
	// opt-outs (both connected by the app, nil in tests that do not need them).
	verifier Verifier
	optOut   OptOutRecorder
	// noticeDelay is how long a quarantine notice waits to gather the rest of a burst.
	noticeDelay time.Duration
}

// New builds the pipeline; jobs may be nil in tests that call Process directly.
func New(st *store.Store, jobs *river.Client[pgx.Tx], conv *conversation.Service) *Service {
	return &Service{st: st, jobs: jobs, conv: conv, logger: slog.New(slog.DiscardHandler), now: time.Now, noticeDelay: DefaultNoticeDelay}
}

// UseLogger sets where processing failures are logged.
func (s *Service) UseLogger(l *slog.Logger) { s.logger = l }

// UseClock replaces the clock (tests) and the time a quarantine notice waits for the rest of a burst.
func (s *Service) UseClock(now func() time.Time, noticeDelay time.Duration) {
	if now != nil {
		s.now = now
	}
	s.noticeDelay = noticeDelay
}

// UseKeys lets the pipeline read reply tokens and recognise our own outgoing copies.
func (s *Service) UseKeys(k *secret.Keyring) { s.keys = k }

// UseJobs gives the service its River client after both exist.
func (s *Service) UseJobs(c *river.Client[pgx.Tx]) { s.jobs = c }

// Accept stores raw mail for a workspace and queues its processing in the same transaction. The
// same bytes accepted twice are stored once (duplicate is true the second time).
func (s *Service) Accept(ctx context.Context, tenantID uuid.UUID, source string, raw []byte) (id int64, duplicate bool, err error) {
	return s.AcceptFor(ctx, tenantID, source, 0, raw)
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
	id, duplicate, err = storeRaw(ctx, q, tenantID, source, accountID, 0, raw)
	if err != nil || duplicate {
		return id, duplicate, err
	}
	return id, false, s.queue(ctx, tx, tenantID, ProcessArgs{TenantID: tenantID, ID: id})
}

// AcceptForMarketplace is Accept for mail that arrived at a marketplace account's forwarding
// address. The account hears of it in the same transaction: mail arriving at all is what tells a
// seller that forwarding from the marketplace works (the silence alarm watches for its absence).
func (s *Service) AcceptForMarketplace(ctx context.Context, tenantID uuid.UUID, source string, marketplaceAccountID int64, raw []byte) (id int64, duplicate bool, err error) {
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		if id, duplicate, err = storeRaw(ctx, q, tenantID, source, 0, marketplaceAccountID, raw); err != nil {
			return err
		}
		if err := q.MarketplaceAccountHeard(ctx, dbsqlc.MarketplaceAccountHeardParams{TenantID: tenantID, ID: marketplaceAccountID, At: time.Now()}); err != nil {
			return fmt.Errorf("ingest: marketplace account %d: %w", marketplaceAccountID, err)
		}
		if duplicate {
			return nil
		}
		return s.queue(ctx, tx, tenantID, ProcessArgs{TenantID: tenantID, ID: id})
	})
	return id, duplicate, err
}

// storeRaw keeps the bytes of one message; the same bytes twice are one row (duplicate).
func storeRaw(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, source string, accountID, marketplaceAccountID int64, raw []byte) (id int64, duplicate bool, err error) {
	sum := sha256.Sum256(raw)
	id, err = q.InboundAccept(ctx, dbsqlc.InboundAcceptParams{TenantID: tenantID, Source: source, RawSha256: sum[:], Raw: raw,
		AccountID:            pgtype.Int8{Int64: accountID, Valid: accountID != 0},
		MarketplaceAccountID: pgtype.Int8{Int64: marketplaceAccountID, Valid: marketplaceAccountID != 0}})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, true, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("ingest: store raw mail: %w", err)
	}
	return id, false, nil
}

// AcceptBatchTx is AcceptTx for several messages of one account (an IMAP sync batch): they are
// processed together by one mail.process_batch job. It reports how many were new.
func (s *Service) AcceptBatchTx(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, source string, accountID int64, raws [][]byte) (int, error) {
	var ids []int64
	for _, raw := range raws {
		id, duplicate, err := storeRaw(ctx, q, tenantID, source, accountID, 0, raw)
		if err != nil {
			return 0, err
		}
		if !duplicate {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		if err := s.queue(ctx, tx, tenantID, ProcessBatchArgs{TenantID: tenantID, IDs: ids}); err != nil {
			return 0, fmt.Errorf("ingest: queue processing: %w", err)
		}
	}
	return len(ids), nil
}

func (s *Service) queue(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, args river.JobArgs) error {
	if s.jobs == nil {
		return nil
	}
	_, err := s.jobs.InsertTx(ctx, tx, args, &river.InsertOpts{Metadata: conversation.TenantMetadata(tenantID)})
	return err
}

// Outcome says what processing did with a message.
type Outcome struct {
	State    string // processed, duplicate, quarantined
	Reason   string
	TicketID int64
	Class    Class
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

// tokenTicket finds the ticket id a valid reply token among the recipients names (0: none).
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
		return s.queue(ctx, tx, sc.TenantID(), ProcessArgs{TenantID: sc.TenantID(), ID: id, Retry: attempt})
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
