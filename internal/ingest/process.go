package ingest

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/replytoken"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// plan is what reading a message decided: its final outcome, or the message to store and where.
type plan struct {
	final    *Outcome
	class    Class
	mid      string
	ticket   int64 // number of the ticket to append to; 0 opens a new one
	number   int64 // the new ticket's number
	msg      conversation.Inbound
	newTkt   conversation.NewTicket
	rowState string
	// bounce is a delivery report about one of our replies: it fails that reply instead of
	// becoming a message (see bounceOf).
	bounce *Report
	// market is set for marketplace relay mail (Amazon, Walmart).
	market *market
	// ids are every Message-ID this message has or names (own, hashed, references), for telling
	// whether messages of one batch depend on each other.
	ids []string
}

// Process parses, classifies, dedupes and threads one stored message, then records the outcome.
// The reading (parse, dedupe and thread lookups) happens first; the writing — the message, its
// ticket and the outcome on the stored row — is one transaction that re-checks the row under its
// lock. So it is idempotent: a finished message is left alone and a crash leaves nothing half done.
// When another message took the planned channel message id meanwhile (the same Message-ID arriving
// twice at once), the message is planned again with that one in view: a copy of it is a
// duplicate, other content gets an id of its own.
func (s *Service) Process(ctx context.Context, tenantID uuid.UUID, id int64) (Outcome, error) {
	for attempt := 1; ; attempt++ {
		out, err := s.processOnce(ctx, tenantID, id)
		if c, ok := store.UniqueViolation(err); ok && c == "messages_channel_id_idx" && attempt < maxReplans {
			continue
		}
		return out, err
	}
}

// maxReplans bounds the re-planning after a lost race for a channel message id. The id that won
// is committed when the race is lost, so the next plan sees it; more than a few rounds means
// something else is wrong.
const maxReplans = 5

func (s *Service) processOnce(ctx context.Context, tenantID uuid.UUID, id int64) (Outcome, error) {
	pl, err := s.read(ctx, tenantID, id)
	if err != nil {
		return Outcome{}, err
	}
	if pl.rowState != "pending" {
		return *pl.final, nil
	}
	var out Outcome
	err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		var err error
		out, err = s.write(ctx, q, tx, tenantID, id, pl)
		return err
	})
	if err == nil && pl.final != nil && out.State == "quarantined" {
		s.logger.WarnContext(ctx, "mail quarantined", "tenant_id", tenantID, "inbound_ids", []int64{id}, "reason", out.Reason)
	}
	return out, err
}

// write stores one planned message in the caller's transaction: the message, its ticket and the
// outcome, re-checked under the stored row's lock.
func (s *Service) write(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, id int64, pl plan) (Outcome, error) {
	out := Outcome{State: "processed", Class: pl.class}
	if pl.final != nil {
		out = *pl.final
	}
	row, err := q.InboundLock(ctx, dbsqlc.InboundLockParams{TenantID: tenantID, ID: id})
	if err != nil {
		return out, store.NotFound(err)
	}
	if row.State != "pending" { // finished meanwhile by another worker
		return Outcome{State: row.State, Reason: row.Error}, nil
	}
	sc := tenant.Scope{Workspace: tenant.Workspace{ID: tenantID}}
	if pl.bounce != nil {
		if out, err = s.markBounced(ctx, q, tx, tenantID, pl); err != nil {
			return out, err
		}
	}
	if pl.final == nil && pl.market != nil && pl.market.elsewhere {
		if out.TicketID, err = s.writeElsewhere(ctx, q, tx, tenantID, pl); err != nil {
			return out, err
		}
	} else if pl.final == nil {
		if pl.ticket != 0 {
			if _, out.TicketID, err = s.conv.AppendInboundTx(ctx, q, tx, sc, pl.ticket, pl.msg); err != nil {
				return out, err
			}
		} else if out.TicketID, err = s.conv.CreateInboundTx(ctx, q, tx, sc, pl.newTkt, pl.number); err != nil {
			return out, err
		}
	}
	if pl.final == nil && pl.market != nil {
		if err := s.writeMarket(ctx, q, tenantID, out.TicketID, pl.market); err != nil {
			return out, err
		}
	}
	tk := row.TicketID
	if out.TicketID != 0 {
		tk.Int64, tk.Valid = out.TicketID, true
	}
	if out.State == "quarantined" {
		if err := s.queueNotice(ctx, tx, tenantID); err != nil {
			return out, err
		}
	}
	return out, q.InboundFinish(ctx, dbsqlc.InboundFinishParams{TenantID: tenantID, ID: id, State: out.State, Error: out.Reason,
		MessageID: pl.mid, TicketID: tk})
}

// ProcessBatch processes stored messages of one workspace together (an IMAP sync batch): one
// reading and one writing transaction for all of them, which is what makes a busy mailbox cheap.
// Messages of the batch that depend on each other (one answers or repeats another), or any
// failure, fall back to processing one at a time, in order, which is always correct.
func (s *Service) ProcessBatch(ctx context.Context, tenantID uuid.UUID, ids []int64) error {
	plans := make([]plan, len(ids))
	independent := true
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		seen := map[string]bool{}
		newTickets := 0
		for i, id := range ids {
			pl := &plans[i]
			var err error
			if *pl, err = s.plan(ctx, q, tenantID, id); err != nil {
				return err
			}
			for _, mid := range pl.ids {
				if seen[mid] {
					independent = false
				}
			}
			for _, mid := range pl.ids {
				seen[mid] = true
			}
			if pl.final == nil && pl.ticket == 0 {
				newTickets++
			}
		}
		if !independent || newTickets == 0 {
			return nil
		}
		// Numbers for the batch's new tickets, last so the counter row is locked only while this
		// transaction commits.
		last, err := q.TicketNextNumbers(ctx, dbsqlc.TicketNextNumbersParams{TenantID: tenantID, N: int64(newTickets)})
		if err != nil {
			return err
		}
		n := last - int64(newTickets)
		for i := range plans {
			if plans[i].rowState == "pending" && plans[i].final == nil && plans[i].ticket == 0 {
				n++
				plans[i].number = n
			}
		}
		return nil
	})
	if err == nil && independent {
		err = s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
			for i, id := range ids {
				if plans[i].rowState != "pending" {
					continue
				}
				if _, err := s.write(ctx, q, tx, tenantID, id, plans[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			return nil
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, id := range ids {
		_, err := s.Process(ctx, tenantID, id)
		if err != nil && KindOf(err) == Deterministic && ctx.Err() == nil {
			// This message fails the same way every time: it alone is quarantined, the others go on.
			if st := s.Settle(ctx, tenantID, []int64{id}, err, false); st.Err != nil {
				return st.Err
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// read loads the stored message and decides what to do with it, in one read-only transaction.
func (s *Service) read(ctx context.Context, tenantID uuid.UUID, id int64) (plan, error) {
	var pl plan
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if pl, err = s.plan(ctx, q, tenantID, id); err != nil {
			return err
		}
		if pl.rowState == "pending" && pl.final == nil && pl.ticket == 0 {
			// Last in this transaction, so the workspace's counter row is locked only while it
			// commits, never while a ticket is written. A ticket that then fails leaves a gap.
			pl.number, err = q.TicketNextNumbers(ctx, dbsqlc.TicketNextNumbersParams{TenantID: tenantID, N: 1})
		}
		return err
	})
	return pl, err
}

// plan loads one stored message and decides what to do with it; a message no longer pending
// gets its recorded outcome as final.
func (s *Service) plan(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, id int64) (plan, error) {
	var pl plan
	row, err := q.InboundGet(ctx, dbsqlc.InboundGetParams{TenantID: tenantID, ID: id})
	if err != nil {
		return pl, store.NotFound(err)
	}
	pl.rowState = row.State
	if row.State != "pending" {
		pl.final = &Outcome{State: row.State, Reason: row.Error}
		return pl, nil
	}
	return pl, s.decide(ctx, q, tenantID, row, &pl)
}

func (s *Service) decide(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, row dbsqlc.InboundMessage, pl *plan) error {
	p, err := Parse(row.Raw)
	var pe *ParseError
	if errors.As(err, &pe) {
		pl.final = &Outcome{State: "quarantined", Reason: pe.Reason}
		return nil
	}
	if err != nil {
		return err
	}
	pl.class = Classify(p)
	rel, acct, err := s.relayOf(ctx, q, tenantID, row, p)
	if err != nil {
		return err
	}
	if rel.Marketplace() {
		pl.market = &market{msg: rel.Message, account: acct}
		if rel.Message.Kind == relaymail.DeliveryFailure {
			if err := failedReply(ctx, q, tenantID, rel.Message, pl); err != nil || pl.final != nil {
				return err
			}
		}
	}
	if pl.class.Kind == "bounce" {
		if err := s.bounceOf(ctx, q, tenantID, row.Raw, pl); err != nil || pl.final != nil {
			return err
		}
	}
	if s.keys != nil && replytoken.IsOwn(s.keys, tenantID, p.Header(replytoken.Header)) {
		// The copy of our own reply kept in the account's mailbox, synced back.
		pl.final = &Outcome{State: "duplicate", Reason: "our own reply (the copy kept in the mailbox)", Class: pl.class}
		return nil
	}
	mid := p.MessageID
	if mid == "" {
		// Mail without a Message-ID still gets a stable one, so a retry is recognisable.
		mid = "sha256-" + hex.EncodeToString(row.RawSha256) + "@inbound.shopdesk"
	}
	text := strings.TrimSpace(p.Text)
	if text == "" && p.HTML != "" {
		text = TextFromHTML(p.HTML)
	}
	html := SanitizeHTML(p.HTML)
	if pl.market != nil {
		// The ticket shows the buyer's own words, not Amazon's template; the raw mail keeps it all.
		// The same relay mail by two routes (gateway and mailbox) is one message.
		text, html = pl.market.msg.Text(), ""
		if k := pl.market.msg.DedupeKey(); k != "" {
			mid = k + "@" + pl.market.msg.Site
		}
	}
	atts, skipped := attachmentsOf(p)
	if len(skipped) > 0 {
		// What was not kept is said on the message itself; the raw mail keeps every byte.
		text += "\n\n[" + strings.Join(skipped, "]\n[") + "]"
	}
	// Some senders reuse a Message-ID for different mail (carrier notifications, say): only the same
	// content (text and attachments) is a copy; anything else is a message of its own.
	key := contentKey(text, uploadHashes(atts))
	own := candidates(mid, text, key)
	refs := append(append([]string{}, p.InReplyTo...), p.References...)
	known, err := q.MessagesByChannelIDs(ctx, dbsqlc.MessagesByChannelIDsParams{TenantID: tenantID, Ids: append(append([]string{}, own...), refs...)})
	if err != nil {
		return err
	}
	var seen bool
	pl.mid, seen = identity(own, key, known)
	if seen {
		pl.final = &Outcome{State: "duplicate", Reason: "a message with this Message-ID and the same text and attachments is already stored", Class: pl.class}
		return nil
	}
	pl.ids = append(append(append(pl.ids[:0], own...), refs...), pl.mid)
	if pl.ticket, err = s.thread(ctx, q, tenantID, p, refs, known); err != nil {
		return err
	}
	pl.msg = conversation.Inbound{Text: text, HTML: html, From: p.From.Address, ChannelMessageID: pl.mid,
		Automated: pl.class.Automatic, Attachments: atts}
	if !p.Date.IsZero() {
		pl.msg.At = p.Date
	}
	if pl.market != nil {
		return s.decideMarket(ctx, q, tenantID, p, pl)
	}
	if pl.ticket != 0 {
		return nil
	}
	tags := []string{}
	if pl.class.Automatic {
		tags = append(tags, "automatic")
	}
	subject := p.Subject
	if subject == "" {
		subject = "(no subject)"
	}
	customer := conversation.CustomerRef{Name: p.From.Name, Email: p.From.Address}
	if rel.Suspicious {
		// It claims to be a marketplace's without proving it: an ordinary mail, flagged, and kept
		// apart from the customer whose relay address it may have copied.
		tags = append(tags, "suspicious")
		customer.Email = ""
		if customer.Name == "" {
			customer.Name = p.From.Address
		}
	}
	pl.newTkt = conversation.NewTicket{Channel: "email", Subject: subject, Tags: tags,
		Customer: customer, Message: pl.msg}
	if row.AccountID.Valid {
		pl.newTkt.EmailAccountID = row.AccountID.Int64
		a, err := q.EmailAccountGet(ctx, dbsqlc.EmailAccountGetParams{TenantID: tenantID, ID: row.AccountID.Int64})
		if err == nil {
			pl.newTkt.Store = a.Name
		} else if !errors.Is(err, pgx.ErrNoRows) { // removed since: the ticket simply names no store
			return err
		}
	}
	return nil
}

// thread finds the number of the ticket a message answers: the newest stored message among its
// References and In-Reply-To, then a valid reply token among its recipients (0: a new ticket).
func (s *Service) thread(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, p *Parsed, refs []string, known []dbsqlc.MessagesByChannelIDsRow) (int64, error) {
	var (
		number int64
		at     time.Time
	)
	for _, k := range known {
		if slices.Contains(refs, k.ChannelMessageID) && (number == 0 || k.CreatedAt.After(at)) {
			number, at = k.Number, k.CreatedAt
		}
	}
	if number != 0 || s.keys == nil {
		return number, nil
	}
	ticketID := s.tokenTicket(tenantID, p)
	if ticketID == 0 {
		return 0, nil
	}
	t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tenantID, ID: ticketID})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil // a token for a ticket that no longer exists starts a new one
	}
	if err != nil {
		return 0, fmt.Errorf("ingest: thread: %w", err)
	}
	return t.Number, nil
}
