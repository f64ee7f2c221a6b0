package conversation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/language"
	"github.com/shopdesk/shopdesk/internal/search"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// CustomerRef says who wrote: found by channel identity first, then email, else created.
type CustomerRef struct {
	Name       string
	Email      string
	Channel    string // identity channel, e.g. "amazon" with ExternalID the buyer alias
	ExternalID string
	Language   string
}

// Inbound is a customer's message.
type Inbound struct {
	Text             string
	HTML             string
	From             string
	ChannelMessageID string
	At               time.Time
	// Automated marks mail no person wrote (bounces, auto-replies); automation never answers it.
	Automated bool
	// Attachments are stored with the message (bytes once per workspace, by hash).
	Attachments []Upload
}

// NewTicket opens a ticket with its first customer message.
type NewTicket struct {
	Channel     string
	Marketplace string
	Store       string
	Subject     string
	Language    string
	Priority    *int16 // nil: normal, or urgent for a pre-sale question
	Presale     bool
	Tags        []string
	SLADueAt    *time.Time
	OrderNumber string
	// EmailAccountID is the account the mail came in through (0: none); replies go out through it.
	EmailAccountID int64
	Customer       CustomerRef
	Message        Inbound
}

// CreateInbound opens a ticket for a customer message (ingestion, the demo seed, tests).
func (s *Service) CreateInbound(ctx context.Context, sc tenant.Scope, in NewTicket) (Ticket, error) {
	n, err := s.NextNumber(ctx, sc)
	if err != nil {
		return Ticket{}, err
	}
	var t Ticket
	err = s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		id, err := s.CreateInboundTx(ctx, q, tx, sc, in, n)
		if err != nil {
			return err
		}
		t, err = q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: sc.TenantID(), ID: id})
		return err
	})
	return t, err
}

// NextNumber takes the workspace's next ticket number in its own short transaction: the counter
// row is locked only for that instant, not while a ticket is written, so new tickets of one
// workspace are not created one at a time. A ticket that then fails to commit leaves a gap.
func (s *Service) NextNumber(ctx context.Context, sc tenant.Scope) (int64, error) {
	var n int64
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		n, err = q.TicketNextNumbers(ctx, dbsqlc.TicketNextNumbersParams{TenantID: sc.TenantID(), N: 1})
		return err
	})
	return n, err
}

// CreateInboundTx is CreateInbound in the caller's transaction, with a number from NextNumber; it
// returns the new ticket's id.
func (s *Service) CreateInboundTx(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, in NewTicket, n int64) (int64, error) {
	if in.Message.At.IsZero() {
		in.Message.At = s.now()
	}
	priority := int16(2)
	if in.Presale {
		priority = 0
	}
	if in.Priority != nil {
		priority = *in.Priority
	}
	if in.Tags == nil {
		in.Tags = []string{}
	}
	if in.Language == "" {
		// Detected here rather than written afterwards: one row write per new ticket.
		in.Language = language.Detect(in.Subject + "\n" + in.Message.Text)
	}
	cust, err := s.resolveCustomer(ctx, q, sc.TenantID(), in.Customer)
	if err != nil {
		return 0, err
	}
	id, err := q.TicketCreate(ctx, dbsqlc.TicketCreateParams{
		TenantID: sc.TenantID(), Number: n, Channel: in.Channel, Marketplace: in.Marketplace, Store: in.Store,
		Subject: in.Subject, CustomerID: cust.ID, Status: "open", Priority: priority, Tags: in.Tags,
		Language: in.Language, Presale: in.Presale, SlaDueAt: in.SLADueAt, CreatedAt: in.Message.At,
		Terms:          ticketTerms(in.Subject, cust.Name, in.Customer.Email, in.Customer.ExternalID, in.OrderNumber),
		EmailAccountID: pgtype.Int8{Int64: in.EmailAccountID, Valid: in.EmailAccountID != 0},
		FirstText:      in.Message.Text,
	})
	if err != nil {
		return 0, fmt.Errorf("conversation: create ticket: %w", err)
	}
	msgID, err := s.addInbound(ctx, q, sc.TenantID(), id, cust.ID, in.Message, false)
	if err != nil {
		return 0, err
	}
	if err := s.changed(ctx, q, tx, sc, id, TriggerCreated, msgID); err != nil {
		return 0, err
	}
	return id, Notify(ctx, tx, sc.TenantID(), id, "ticket.created")
}

// AppendInbound adds a customer message to a ticket and reopens it.
func (s *Service) AppendInbound(ctx context.Context, sc tenant.Scope, number int64, msg Inbound) (Message, error) {
	var m Message
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		id, _, err := s.AppendInboundTx(ctx, q, tx, sc, number, msg)
		if err != nil {
			return err
		}
		m, err = q.MessageGet(ctx, dbsqlc.MessageGetParams{TenantID: sc.TenantID(), ID: id})
		return err
	})
	return m, err
}

// AppendInboundTx is AppendInbound in the caller's transaction; it returns the new message's id
// and the ticket it went to (a merged ticket's answers go to the ticket it was merged into).
func (s *Service) AppendInboundTx(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, number int64, msg Inbound) (messageID, ticketID int64, err error) {
	if msg.At.IsZero() {
		msg.At = s.now()
	}
	t, err := q.TicketForUpdate(ctx, dbsqlc.TicketForUpdateParams{TenantID: sc.TenantID(), Number: number})
	if err != nil {
		return 0, 0, notFound(err)
	}
	author, err := s.authorOf(ctx, q, sc.TenantID(), t.CustomerID, msg.From)
	if err != nil {
		return 0, 0, err
	}
	// A customer answering a ticket that was merged away is answering the merged ticket; the
	// message is still theirs, not the merged ticket's customer's.
	for hops := 0; t.MergedInto.Valid && hops < 10; hops++ {
		if t, err = q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: sc.TenantID(), ID: t.MergedInto.Int64}); err != nil {
			return 0, 0, err
		}
	}
	id, err := s.addInbound(ctx, q, sc.TenantID(), t.ID, author, msg, true)
	if err != nil {
		return 0, 0, err
	}
	// Mail no person wrote (an auto-reply, a marketplace's notice) is kept on the ticket but does
	// not reopen it: nobody is waiting for an answer to it.
	if t.Status != "open" && !msg.Automated {
		if err := q.TicketSetStatus(ctx, dbsqlc.TicketSetStatusParams{TenantID: sc.TenantID(), ID: t.ID, Status: "open"}); err != nil {
			return 0, 0, err
		}
		// On the trail, so SLA pauses (pending, snoozed) end when the customer writes.
		if err := event(ctx, q, tx, sc, t.ID, "status", map[string]any{"from": t.Status, "to": "open", "by": "customer"}); err != nil {
			return 0, 0, err
		}
	}
	if err := s.changed(ctx, q, tx, sc, t.ID, TriggerCustomerMsg, id); err != nil {
		return 0, 0, err
	}
	return id, t.ID, Notify(ctx, tx, sc.TenantID(), t.ID, "message.inbound")
}

// addInbound stores a customer message; summary moves the ticket's summary forward (a new ticket
// was written with it already).
func (s *Service) addInbound(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, ticketID int64, customerID uuid.UUID, msg Inbound, summary bool) (int64, error) {
	id, err := q.MessageCreate(ctx, dbsqlc.MessageCreateParams{
		TenantID: tenantID, TicketID: ticketID, Kind: "inbound", AuthorCustomerID: uuid.NullUUID{UUID: customerID, Valid: true},
		FromAddress: msg.From, BodyText: msg.Text, BodyHtml: msg.HTML, ChannelMessageID: msg.ChannelMessageID,
		Automated: msg.Automated, CreatedAt: msg.At, Terms: search.Terms(msg.Text),
	})
	if err != nil {
		return 0, fmt.Errorf("conversation: add message: %w", err)
	}
	for _, a := range msg.Attachments {
		if err := addUpload(ctx, q, tenantID, id, a); err != nil {
			return 0, err
		}
	}
	if !summary {
		return id, nil
	}
	return id, q.TicketAddInbound(ctx, dbsqlc.TicketAddInboundParams{TenantID: tenantID, ID: ticketID, At: msg.At, Body: msg.Text})
}

// authorOf is the customer who wrote a message appended to a ticket: the customer known by the
// sender's address, else the customer of the ticket the message answers (before any merge).
func (s *Service) authorOf(ctx context.Context, q *dbsqlc.Queries, tenantID, ticketCustomer uuid.UUID, from string) (uuid.UUID, error) {
	from = strings.ToLower(strings.TrimSpace(from))
	if from == "" {
		return ticketCustomer, nil
	}
	c, err := q.CustomerByEmail(ctx, dbsqlc.CustomerByEmailParams{TenantID: tenantID, Email: from})
	if errors.Is(err, pgx.ErrNoRows) {
		return ticketCustomer, nil
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("conversation: message author: %w", err)
	}
	return c.ID, nil
}

func (s *Service) resolveCustomer(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, ref CustomerRef) (dbsqlc.Customer, error) {
	ref.Email = strings.ToLower(strings.TrimSpace(ref.Email))
	if ref.Channel != "" && ref.ExternalID != "" {
		c, err := q.CustomerByIdentity(ctx, dbsqlc.CustomerByIdentityParams{TenantID: tenantID, Channel: ref.Channel, ExternalID: ref.ExternalID})
		if err == nil {
			return c, nil
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return c, err
		}
	}
	if ref.Email != "" {
		c, err := q.CustomerByEmail(ctx, dbsqlc.CustomerByEmailParams{TenantID: tenantID, Email: ref.Email})
		if err == nil {
			return c, s.addIdentity(ctx, q, tenantID, c.ID, ref)
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return c, err
		}
	}
	name := ref.Name
	if name == "" {
		name = ref.Email
	}
	c, err := q.CustomerCreate(ctx, dbsqlc.CustomerCreateParams{TenantID: tenantID, Name: name, Language: ref.Language})
	if err != nil {
		return c, fmt.Errorf("conversation: create customer: %w", err)
	}
	if ref.Email != "" {
		n, err := q.CustomerAddEmail(ctx, dbsqlc.CustomerAddEmailParams{TenantID: tenantID, Email: ref.Email, CustomerID: c.ID})
		if err != nil {
			return c, err
		}
		if n == 0 {
			// Another message from this address created its customer concurrently (a burst of
			// mail): that one is the customer; this one would have been a customer without an
			// address.
			if err := q.CustomerDeleteUnused(ctx, dbsqlc.CustomerDeleteUnusedParams{TenantID: tenantID, ID: c.ID}); err != nil {
				return c, err
			}
			if c, err = q.CustomerByEmail(ctx, dbsqlc.CustomerByEmailParams{TenantID: tenantID, Email: ref.Email}); err != nil {
				return c, fmt.Errorf("conversation: customer by email: %w", err)
			}
		}
	}
	return c, s.addIdentity(ctx, q, tenantID, c.ID, ref)
}

func (s *Service) addIdentity(ctx context.Context, q *dbsqlc.Queries, tenantID, customerID uuid.UUID, ref CustomerRef) error {
	if ref.Channel == "" || ref.ExternalID == "" {
		return nil
	}
	return q.CustomerAddIdentity(ctx, dbsqlc.CustomerAddIdentityParams{TenantID: tenantID, Channel: ref.Channel, ExternalID: ref.ExternalID, CustomerID: customerID, Display: ref.Name})
}

// ticketTerms is what a ticket itself is found by: subject, customer name and addresses, order.
func ticketTerms(parts ...string) []string {
	return search.Terms(strings.Join(parts, " "))
}
