package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/channel/relay"
	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Verifier gives the authentication verdict on one raw mail: the domains it authenticates for
// (DKIM aligned under DMARC on the gateway; a trusted provider's Authentication-Results on the
// IMAP route). Without one, no mail authenticates and every mail that claims a marketplace is
// ordinary mail flagged as suspicious.
type Verifier interface {
	Verify(ctx context.Context, raw []byte, route string) (relay.Trust, error)
}

// UseVerifier connects the authentication of inbound mail (internal/mailauth).
func (s *Service) UseVerifier(v Verifier) { s.verifier = v }

// OptOutRecorder flags a customer who opted out of unsolicited marketplace messages, so nothing
// proactive (feedback requests, surveys) goes to them; replies on their own threads still do.
type OptOutRecorder interface {
	RecordOptOut(ctx context.Context, q *dbsqlc.Queries, tenantID, customerID uuid.UUID, marketplace string) error
}

// UseOptOut connects the record of buyer opt-outs (the customers' opt-out flag).
func (s *Service) UseOptOut(r OptOutRecorder) { s.optOut = r }

// market is what the plan of a marketplace mail adds: the parsed message and what writing it
// must do besides storing it.
type market struct {
	msg     relaymail.Message
	account dbsqlc.MarketplaceAccount
	// key is the channel key the ticket is to be found by afterwards ("" none).
	key string
	// ticketID is the ticket the key or the order found (0: none; the plan's number decides).
	ticketID int64
	// elsewhere stores the message as the seller's own reply sent outside Shopdesk.
	elsewhere bool
}

// relayOf classifies a parsed mail as marketplace mail, given the account whose forwarding
// address it came to and the authentication verdict.
func (s *Service) relayOf(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, row dbsqlc.InboundMessage, p *Parsed) (relay.Result, dbsqlc.MarketplaceAccount, error) {
	var (
		acct    dbsqlc.MarketplaceAccount
		account *relay.Account
	)
	if row.MarketplaceAccountID.Valid {
		a, err := q.MarketplaceAccountGet(ctx, dbsqlc.MarketplaceAccountGetParams{TenantID: tenantID, ID: row.MarketplaceAccountID.Int64})
		switch {
		case err == nil:
			acct, account = a, &relay.Account{Marketplace: a.Marketplace, SenderPatterns: a.SenderPatterns}
		case !errors.Is(err, pgx.ErrNoRows): // an account removed since: the mail is the workspace's
			return relay.Result{}, acct, fmt.Errorf("ingest: marketplace account: %w", err)
		}
	}
	var trust relay.Trust
	if s.verifier != nil {
		route := "gateway"
		if row.AccountID.Valid {
			route = "imap"
		}
		t, err := s.verifier.Verify(ctx, row.Raw, route)
		if err != nil {
			return relay.Result{}, acct, fmt.Errorf("ingest: authenticate mail: %w", err)
		}
		trust = t
	}
	return relay.Classify(p.RelayMail(), account, trust), acct, nil
}

// marketTags name what a marketplace mail is on its ticket, so views and rules can find claims,
// returns, feedback and complaints.
func marketTags(m relaymail.Message) []string {
	switch m.Kind {
	case relaymail.AtoZClaim:
		return []string{"atoz-claim"}
	case relaymail.ReturnRequest:
		return []string{"return-request"}
	case relaymail.Feedback:
		return []string{"feedback"}
	case relaymail.OptOut:
		return []string{"opted-out"}
	case relaymail.DeliveryFailure:
		return []string{"delivery-failure"}
	case relaymail.CareEscalation:
		return []string{"care-escalation"}
	case relaymail.Complaint:
		return []string{"complaint"}
	}
	return nil
}

// threadMarket finds the ticket of a marketplace mail by its channel key: alias + order always
// (a resolved ticket reopens), alias + ASIN only while the pre-sale ticket is open; mail naming
// no alias joins the newest ticket linked to its order.
func threadMarket(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, mk *market) (number int64, err error) {
	m := mk.msg
	if mk.key = m.ThreadKey(); mk.key != "" {
		t, err := q.TicketByChannelKey(ctx, dbsqlc.TicketByChannelKeyParams{TenantID: tenantID, ChannelKey: mk.key})
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("ingest: thread by channel key: %w", err)
		}
		if m.OrderID == "" && m.Kind == relaymail.PresaleQuestion && (t.Status == "resolved" || t.Status == "closed") {
			return 0, nil
		}
		mk.ticketID = t.ID
		return t.Number, nil
	}
	if m.OrderID == "" {
		return 0, nil
	}
	t, err := q.TicketByOrderNumber(ctx, dbsqlc.TicketByOrderNumberParams{TenantID: tenantID, Number: m.OrderID, Channel: m.Marketplace})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("ingest: thread by order: %w", err)
	}
	mk.ticketID = t.ID
	return t.Number, nil
}

// failedReply turns a marketplace's delivery failure into the late-bounce of the reply it names.
func failedReply(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, m relaymail.Message, pl *plan) error {
	id := m.FailedReplyMessageID
	if id == "" || !conversation.IsOwnMessageID(tenantID, id) {
		return nil
	}
	msg, err := q.MessageByChannelID(ctx, dbsqlc.MessageByChannelIDParams{TenantID: tenantID, ChannelMessageID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil || msg.Kind != "outbound" {
		return err
	}
	reason := m.Reason
	if reason == "" {
		reason = "the marketplace did not deliver the reply"
	}
	pl.bounce = &Report{MessageIDs: []string{id}, Reason: reason}
	pl.final = &Outcome{State: "processed", Reason: "marketplace delivery failure: a reply was not delivered", Class: pl.class}
	return nil
}

// writeMarket does what a marketplace mail needs besides its message, in the writing
// transaction: the channel key on the ticket, the order it names, a buyer's opt-out.
func (s *Service) writeMarket(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, ticketID int64, mk *market) error {
	m := mk.msg
	if mk.key != "" {
		if err := q.ChannelKeySet(ctx, dbsqlc.ChannelKeySetParams{TenantID: tenantID, ChannelKey: mk.key, TicketID: ticketID}); err != nil {
			return fmt.Errorf("ingest: channel key: %w", err)
		}
	}
	if m.OrderID != "" && mk.account.ID != 0 {
		if err := q.MarketplaceAccountOrderSeen(ctx, dbsqlc.MarketplaceAccountOrderSeenParams{TenantID: tenantID, ID: mk.account.ID, At: s.now()}); err != nil {
			return fmt.Errorf("ingest: marketplace account order seen: %w", err)
		}
	}
	if m.OrderID != "" {
		if err := s.conv.NoteOrderTx(ctx, q, tenantID, ticketID, conversation.MessageOrder{Marketplace: m.Site,
			Store: mk.account.Name, Number: m.OrderID, SourceAccount: mk.account.Name, ItemID: m.ASIN, Title: m.Product}); err != nil {
			return err
		}
	}
	if m.Kind == relaymail.OptOut && s.optOut != nil && m.BuyerAlias != "" {
		c, err := q.CustomerByIdentity(ctx, dbsqlc.CustomerByIdentityParams{TenantID: tenantID, Channel: m.Marketplace, ExternalID: m.BuyerAlias})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // a buyer we never heard from: nothing to flag yet
		}
		if err != nil {
			return err
		}
		return s.optOut.RecordOptOut(ctx, q, tenantID, c.ID, m.Marketplace)
	}
	return nil
}

// writeElsewhere stores Amazon's copy of a reply the seller wrote in Seller Central.
func (s *Service) writeElsewhere(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, pl plan) (int64, error) {
	sc := tenant.Scope{Workspace: tenant.Workspace{ID: tenantID}}
	_, err := s.conv.RecordSentElsewhereTx(ctx, q, tx, sc, pl.market.ticketID, pl.msg.Text, pl.mid, pl.msg.At)
	return pl.market.ticketID, err
}

// decideMarket threads and shapes a marketplace mail: the ticket by headers (a notice answering
// our reply), else by the channel key or the order; a new ticket on the marketplace's channel
// with its site, the account's store, the buyer keyed on the alias and the account's reply
// mailbox. Notices never start automation's answers.
func (s *Service) decideMarket(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, p *Parsed, pl *plan) error {
	mk := pl.market
	m := mk.msg
	pl.msg.Automated = pl.msg.Automated || !m.Customer()
	// Two mails of one batch on the same key or order depend on each other (the first opens the
	// ticket the second joins), so a batch holding both is processed one at a time.
	for _, k := range []string{m.ThreadKey(), m.OrderKey()} {
		if k != "" {
			pl.ids = append(pl.ids, "key:"+k)
		}
	}
	if pl.ticket == 0 {
		n, err := threadMarket(ctx, q, tenantID, mk)
		if err != nil {
			return err
		}
		pl.ticket = n
	} else {
		mk.key = m.ThreadKey()
	}
	if m.Kind == relaymail.SellerCopy {
		if mk.ticketID == 0 {
			pl.final = &Outcome{State: "processed", Reason: "a copy of a reply sent in Seller Central about an order no ticket holds", Class: pl.class}
			return nil
		}
		mk.elsewhere = true
		return nil
	}
	if pl.ticket != 0 {
		return nil
	}
	subject := p.Subject
	if subject == "" {
		subject = "(no subject)"
	}
	lang, _, _ := strings.Cut(m.Language, "-")
	nt := conversation.NewTicket{Channel: m.Marketplace, Marketplace: m.Site, Store: mk.account.Name, Subject: subject,
		Language: lang, Presale: m.Kind == relaymail.PresaleQuestion, Tags: marketTags(m), OrderNumber: m.OrderID, Message: pl.msg,
		Customer: conversation.CustomerRef{Name: m.BuyerName, Language: lang}}
	if nt.Tags == nil {
		nt.Tags = []string{}
	}
	if pl.class.Automatic && !slices.Contains(nt.Tags, "automatic") {
		nt.Tags = append(nt.Tags, "automatic")
	}
	if m.Urgent {
		urgent := int16(0)
		nt.Priority = &urgent
	}
	if m.BuyerAlias != "" {
		nt.Customer.Channel, nt.Customer.ExternalID, nt.Customer.Email = m.Marketplace, m.BuyerAlias, m.ReplyTo
	}
	if nt.Customer.Name == "" {
		nt.Customer.Name = m.BuyerAlias
	}
	if mk.account.ReplyAccountID.Valid {
		nt.EmailAccountID = mk.account.ReplyAccountID.Int64
	}
	pl.newTkt = nt
	return nil
}
