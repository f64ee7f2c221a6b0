package conversation

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Detail is everything the ticket page shows.
type Detail struct {
	Ticket     Ticket
	Messages   []Message
	Events     []dbsqlc.TicketEvent
	Customer   dbsqlc.Customer
	Emails     []string
	Identities []dbsqlc.CustomerIdentity
	// Orders are the ticket's linked order first, then the customer's orders, latest first.
	Orders     []Order
	Earlier    []dbsqlc.TicketsOfCustomerRow
	Duplicates []dbsqlc.TicketOpenOfCustomerRow // the same customer's other open tickets
	// SameSubject are the same customer's tickets of the last 30 days with this subject (reply
	// prefixes aside): probably one conversation, offered for merging, never merged alone.
	SameSubject []dbsqlc.TicketsSameSubjectRow
	Members     []dbsqlc.MembersForMentionRow
	Names       map[uuid.UUID]string // people by id, for authors and events
	// Authors names each customer who wrote a message of the thread (a merged thread can have
	// several; each message keeps its own).
	Authors     map[uuid.UUID]string
	LatestMerge *dbsqlc.TicketMerge // the merge into this ticket that can still be undone
	// MergedIntoNumber is the ticket this one was merged into (0: not merged away); such a
	// ticket is read-only and links there.
	MergedIntoNumber int64
	Attachments      map[int64][]dbsqlc.Attachment
	// SLA is each target of the ticket's policy.
	SLA []dbsqlc.TicketSLAViewRow
	// Deliveries are the replies' delivery records (retries, bounces, replacements) by message.
	Deliveries map[int64]dbsqlc.MessageDelivery
	// Teams are the workspace's teams, for the team picker and team names on the trail.
	Teams []dbsqlc.Team
}

// Detail loads a ticket with its thread, customer and context, and marks it read for the viewer.
func (s *Service) Detail(ctx context.Context, sc tenant.Scope, number int64) (Detail, error) {
	return s.DetailWith(ctx, sc, number, nil)
}

// DetailWith is Detail with other statements in its second round trip: also (may be nil) gets
// the ticket and returns them (see store.Join), such as the composer's signature for its channel.
// They run after the page view's read markers.
func (s *Service) DetailWith(ctx context.Context, sc tenant.Scope, number int64, also func(Ticket) store.PipelineFunc) (Detail, error) {
	var d Detail
	tid := sc.TenantID()
	// Two round trips: the ticket, then everything that depends only on it (store.InTenantPipeline).
	err := s.st.InTenantPipeline(ctx, tid, false, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		t, err := q.TicketByNumber(ctx, dbsqlc.TicketByNumberParams{TenantID: tid, Number: number})
		d.Ticket = t
		return notFound(err)
	})
	if err == nil {
		t := d.Ticket
		// Decided before the pipeline: its function runs twice and must issue the same statements.
		cached, haveMembers := s.people.get(tid)
		var more store.PipelineFunc
		if also != nil {
			more = also(t)
		}
		err = s.st.InTenantPipeline(ctx, tid, false, func(q *dbsqlc.Queries, db dbsqlc.DBTX) error {
			var err error
			if d.Messages, err = q.MessagesOfTicket(ctx, dbsqlc.MessagesOfTicketParams{TenantID: tid, TicketID: t.ID}); err != nil {
				return err
			}
			if d.Events, err = q.EventsOfTicket(ctx, dbsqlc.EventsOfTicketParams{TenantID: tid, TicketID: t.ID}); err != nil {
				return err
			}
			if d.SLA, err = q.TicketSLAView(ctx, dbsqlc.TicketSLAViewParams{TenantID: tid, TicketID: t.ID}); err != nil {
				return err
			}
			if d.Teams, err = q.TeamList(ctx, tid); err != nil {
				return err
			}
			authors, err := q.MessageAuthorsOfTicket(ctx, dbsqlc.MessageAuthorsOfTicketParams{TenantID: tid, TicketID: t.ID})
			if err != nil {
				return err
			}
			d.Authors = make(map[uuid.UUID]string, len(authors))
			for _, a := range authors {
				d.Authors[a.ID] = a.Name
			}
			if d.Customer, err = q.CustomerGet(ctx, dbsqlc.CustomerGetParams{TenantID: tid, ID: t.CustomerID}); err != nil {
				return err
			}
			if d.Emails, err = q.CustomerEmails(ctx, dbsqlc.CustomerEmailsParams{TenantID: tid, CustomerID: t.CustomerID}); err != nil {
				return err
			}
			if d.Identities, err = q.CustomerIdentities(ctx, dbsqlc.CustomerIdentitiesParams{TenantID: tid, CustomerID: t.CustomerID}); err != nil {
				return err
			}
			orders, err := q.OrdersOfTicket(ctx, dbsqlc.OrdersOfTicketParams{TenantID: tid, TicketID: t.ID})
			if err != nil {
				return err
			}
			lines, err := q.OrderLinesOfTicket(ctx, dbsqlc.OrderLinesOfTicketParams{TenantID: tid, TicketID: t.ID})
			if err != nil {
				return err
			}
			ships, err := q.OrderShipmentsOfTicket(ctx, dbsqlc.OrderShipmentsOfTicketParams{TenantID: tid, TicketID: t.ID})
			if err != nil {
				return err
			}
			d.Orders = ordersOf(orders, lines, ships)
			if d.Earlier, err = q.TicketsOfCustomer(ctx, dbsqlc.TicketsOfCustomerParams{TenantID: tid, CustomerID: t.CustomerID, ExceptID: t.ID}); err != nil {
				return err
			}
			if d.SameSubject, err = q.TicketsSameSubject(ctx, dbsqlc.TicketsSameSubjectParams{TenantID: tid, CustomerID: t.CustomerID, ExceptID: t.ID,
				Since: t.CreatedAt.AddDate(0, 0, -30), Subject: t.Subject}); err != nil {
				return err
			}
			if d.Duplicates, err = q.TicketOpenOfCustomer(ctx, dbsqlc.TicketOpenOfCustomerParams{TenantID: tid, CustomerID: t.CustomerID, ExceptID: t.ID}); err != nil {
				return err
			}
			d.Members = cached
			if !haveMembers {
				if d.Members, err = q.MembersForMention(ctx, tid); err != nil {
					return err
				}
			}
			ds, err := q.DeliveriesOfTicket(ctx, dbsqlc.DeliveriesOfTicketParams{TenantID: tid, TicketID: t.ID})
			if err != nil {
				return err
			}
			d.Deliveries = make(map[int64]dbsqlc.MessageDelivery, len(ds))
			for _, x := range ds {
				d.Deliveries[x.MessageID] = x
			}
			atts, err := q.AttachmentsOfTicket(ctx, dbsqlc.AttachmentsOfTicketParams{TenantID: tid, TicketID: t.ID})
			if err != nil {
				return err
			}
			d.Attachments = map[int64][]dbsqlc.Attachment{}
			for _, a := range atts {
				d.Attachments[a.MessageID] = append(d.Attachments[a.MessageID], a)
			}
			d.Names = names(d.Members)
			if t.MergedInto.Valid {
				target, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: t.MergedInto.Int64})
				if err != nil {
					return fmt.Errorf("conversation: ticket %d merged into %d: %w", t.Number, t.MergedInto.Int64, err)
				}
				d.MergedIntoNumber = target.Number
			}
			d.LatestMerge = nil
			if m, err := q.MergeLatestOfTarget(ctx, dbsqlc.MergeLatestOfTargetParams{TenantID: tid, TargetID: t.ID}); err == nil {
				d.LatestMerge = &m
			} else if err != pgx.ErrNoRows {
				return err
			}
			// The read marker is the only write of a page view; losing one to a crash costs a bold
			// row, so it does not wait for the disk. (set_config, not SET LOCAL: a pipeline's
			// implicit transaction is not a transaction block, where SET LOCAL would only warn.)
			if _, err := db.Exec(ctx, "SELECT set_config('synchronous_commit', 'off', true)"); err != nil {
				return err
			}
			if err := q.NotificationsReadForTicket(ctx, dbsqlc.NotificationsReadForTicketParams{TenantID: tid, UserID: sc.UserID, TicketID: int8Of(t.ID)}); err != nil {
				return err
			}
			if err := q.TicketMarkRead(ctx, dbsqlc.TicketMarkReadParams{TenantID: tid, TicketID: t.ID, UserID: sc.UserID}); err != nil {
				return err
			}
			if more != nil {
				return more(q, db)
			}
			return nil
		})
		if err == nil && !haveMembers {
			s.people.put(tid, d.Members)
		} else if err == nil && d.namesMissing() {
			// A cached list that lacks an author is older than a new member: read it again.
			s.ForgetPeople(tid)
			if d.Members, err = s.People(ctx, sc); err == nil {
				d.Names = names(d.Members)
			}
		}
	}
	if err != nil {
		return d, fmt.Errorf("conversation: ticket #%d: %w", number, err)
	}
	return d, nil
}

// namesMissing reports an author or actor of the thread whom Names does not know.
func (d *Detail) namesMissing() bool {
	for _, m := range d.Messages {
		if _, ok := d.Names[m.AuthorUserID.UUID]; m.AuthorUserID.Valid && !ok {
			return true
		}
	}
	for _, e := range d.Events {
		if _, ok := d.Names[e.ActorUserID.UUID]; e.ActorUserID.Valid && !ok {
			return true
		}
	}
	return false
}

// Attachment returns one attachment of a ticket with its bytes.
func (s *Service) Attachment(ctx context.Context, sc tenant.Scope, number, id int64) (dbsqlc.Attachment, []byte, error) {
	var a dbsqlc.Attachment
	var data []byte
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		a, err = q.AttachmentGet(ctx, dbsqlc.AttachmentGetParams{TenantID: sc.TenantID(), ID: id, Number: number})
		if err != nil {
			return notFound(err)
		}
		data, err = q.BlobGet(ctx, dbsqlc.BlobGetParams{TenantID: sc.TenantID(), Sha256: a.Sha256})
		return err
	})
	return a, data, err
}

// MessageHTML returns a message's sanitised HTML with its inline images (cid:) pointed at the
// ticket's attachment URLs by attachmentURL.
func (s *Service) MessageHTML(ctx context.Context, sc tenant.Scope, number, messageID int64, attachmentURL func(id int64) string) (string, error) {
	var (
		html string
		cids = map[string]int64{}
	)
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		m, err := q.MessageHTML(ctx, dbsqlc.MessageHTMLParams{TenantID: sc.TenantID(), ID: messageID, Number: number})
		if err != nil {
			return notFound(err)
		}
		html = m.BodyHtml
		atts, err := q.AttachmentsOfMessage(ctx, dbsqlc.AttachmentsOfMessageParams{TenantID: sc.TenantID(), MessageID: m.ID})
		for _, a := range atts {
			cids[strings.ToLower(strings.Trim(a.ContentID, "<>"))] = a.ID
		}
		return err
	})
	if err != nil {
		return "", err
	}
	return cidPattern.ReplaceAllStringFunc(html, func(attr string) string {
		ref := cidPattern.FindStringSubmatch(attr)[1]
		if id, ok := cids[strings.ToLower(ref)]; ok {
			return `="` + attachmentURL(id) + `"`
		}
		return `=""`
	}), nil
}

// cidPattern finds an attribute value naming an inline part (the sanitiser writes attributes in
// double quotes).
var cidPattern = regexp.MustCompile(`(?i)="cid:([^"]+)"`)
