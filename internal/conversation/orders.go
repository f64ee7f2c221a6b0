package conversation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// OrderStatuses are the states an order can be in, whatever marketplace it comes from; a
// connector maps its marketplace's words onto these (the page shows each in the reader's language).
var OrderStatuses = []string{"pending", "unshipped", "partially_shipped", "shipped", "delivered", "canceled", "returned"}

// OrderInput is an order as a marketplace or shop reports it. Upsert keeps one order per
// (Marketplace, Number) in a workspace; a fetch again replaces what it says.
type OrderInput struct {
	Marketplace string // "amazon.de", "ebay.com", "webshop"
	Store       string // the seller's store on it, as the tickets name it
	Number      string
	// SourceAccount is the connected account the order was fetched through (an Amazon seller
	// account, an eBay user), so an agent sees which login to open.
	SourceAccount string
	// CustomerID is the buyer when known; uuid.Nil keeps the customer the order already has.
	CustomerID  uuid.UUID
	Status      string // one of OrderStatuses
	AmountMinor int64  // the order's total in minor units of Currency
	Currency    string // ISO 4217, "EUR"
	OrderedAt   time.Time
	// Expected delivery window; either end may be unknown.
	ExpectedFrom, ExpectedTo *time.Time
	// FetchedAt is when the source was read; zero means now.
	FetchedAt time.Time
	Lines     []OrderLineInput
	Shipments []ShipmentInput
}

// OrderLineInput is one line of an order.
type OrderLineInput struct {
	Title string
	SKU   string
	// ItemID is the marketplace's item id: an ASIN, an eBay item number, a listing id.
	ItemID         string
	Quantity       int
	UnitPriceMinor int64
	// TotalMinor is the line's total; zero with a unit price means unit price × quantity.
	TotalMinor int64
	Currency   string // empty: the order's
}

// ShipmentInput is one parcel of an order.
type ShipmentInput struct {
	// Carrier is a name or code as the source gives it; known carriers (see carriers.go) get a
	// tracking link, others show their name and number only.
	Carrier        string
	Service        string // "Standard", "Express", ...
	TrackingNumber string
	ShippedAt      *time.Time
	DeliveredAt    *time.Time
}

// Order is an order with its lines and shipments, as the ticket page shows it.
type Order struct {
	dbsqlc.Order
	Lines     []dbsqlc.OrderLine
	Shipments []dbsqlc.OrderShipment
	// Linked marks the order an agent linked to the ticket being shown.
	Linked bool
}

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// check validates an order from a source; each problem is keyed by its field.
func (in *OrderInput) check() error {
	in.Marketplace = strings.ToLower(strings.TrimSpace(in.Marketplace))
	in.Number = strings.TrimSpace(in.Number)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	errs := validate.Errors{}
	text := func(field, s string, max int) {
		if k := validate.Text(s, max); k != "" {
			errs.Add(field, k)
		}
	}
	if in.Marketplace == "" {
		errs.Add("marketplace", "order.marketplace_required")
	}
	if in.Number == "" {
		errs.Add("number", "order.number_required")
	}
	text("marketplace", in.Marketplace, 100)
	text("store", in.Store, 200)
	text("number", in.Number, 100)
	text("source_account", in.SourceAccount, 200)
	if !slices.Contains(OrderStatuses, in.Status) {
		errs.Add("status", "order.status_invalid")
	}
	if !currencyPattern.MatchString(in.Currency) {
		errs.Add("currency", "order.currency_invalid")
	}
	if in.OrderedAt.IsZero() {
		errs.Add("ordered_at", "order.ordered_at_required")
	}
	if in.ExpectedFrom != nil && in.ExpectedTo != nil && in.ExpectedTo.Before(*in.ExpectedFrom) {
		errs.Add("expected_to", "order.expected_window_invalid")
	}
	if len(in.Lines) > 500 || len(in.Shipments) > 100 {
		errs.Add("lines", "order.too_many_lines")
	}
	for i := range in.Lines {
		l := &in.Lines[i]
		field := fmt.Sprintf("lines.%d", i)
		text(field, l.Title, 1000)
		text(field, l.SKU, 200)
		text(field, l.ItemID, 200)
		if l.Quantity < 0 || l.Quantity > 1_000_000 {
			errs.Add(field, "order.quantity_invalid")
		}
		if l.Currency = strings.ToUpper(strings.TrimSpace(l.Currency)); l.Currency == "" {
			l.Currency = in.Currency
		} else if !currencyPattern.MatchString(l.Currency) {
			errs.Add(field, "order.currency_invalid")
		}
		if l.TotalMinor == 0 {
			l.TotalMinor = l.UnitPriceMinor * int64(l.Quantity)
		}
	}
	for i := range in.Shipments {
		s := &in.Shipments[i]
		field := fmt.Sprintf("shipments.%d", i)
		s.TrackingNumber = strings.TrimSpace(s.TrackingNumber)
		text(field, s.Carrier, 100)
		text(field, s.Service, 100)
		text(field, s.TrackingNumber, 100)
		s.Carrier = CarrierCode(s.Carrier)
	}
	return errs.Err()
}

// UpsertOrder stores an order as its source reports it now: the order, its lines and its
// shipments, replacing what an earlier fetch stored for the same marketplace and number. Calling
// it again with the same input changes nothing but the fetch time it carries.
func (s *Service) UpsertOrder(ctx context.Context, sc tenant.Scope, in OrderInput) (Order, error) {
	if err := in.check(); err != nil {
		return Order{}, err
	}
	if in.FetchedAt.IsZero() {
		in.FetchedAt = s.now()
	}
	tid := sc.TenantID()
	var out Order
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		o, err := q.OrderUpsert(ctx, dbsqlc.OrderUpsertParams{TenantID: tid,
			CustomerID:  uuid.NullUUID{UUID: in.CustomerID, Valid: in.CustomerID != uuid.Nil},
			Marketplace: in.Marketplace, Store: in.Store, Number: in.Number, Status: in.Status,
			AmountMinor: in.AmountMinor, Currency: in.Currency, OrderedAt: in.OrderedAt,
			SourceAccount: in.SourceAccount, FetchedAt: &in.FetchedAt,
			ExpectedDeliveryFrom: in.ExpectedFrom, ExpectedDeliveryTo: in.ExpectedTo})
		if err != nil {
			return err
		}
		out.Order = o
		for i, l := range in.Lines {
			if err := q.OrderLineUpsert(ctx, dbsqlc.OrderLineUpsertParams{TenantID: tid, OrderID: o.ID, Position: int32(i),
				Title: l.Title, Sku: l.SKU, ItemID: l.ItemID, Quantity: int32(l.Quantity),
				UnitPriceMinor: l.UnitPriceMinor, TotalMinor: l.TotalMinor, Currency: l.Currency}); err != nil {
				return err
			}
		}
		if err := q.OrderLinesTrim(ctx, dbsqlc.OrderLinesTrimParams{TenantID: tid, OrderID: o.ID, Keep: int32(len(in.Lines))}); err != nil {
			return err
		}
		for i, sh := range in.Shipments {
			if err := q.OrderShipmentUpsert(ctx, dbsqlc.OrderShipmentUpsertParams{TenantID: tid, OrderID: o.ID, Position: int32(i),
				Carrier: sh.Carrier, Service: sh.Service, TrackingNumber: sh.TrackingNumber,
				ShippedAt: sh.ShippedAt, DeliveredAt: sh.DeliveredAt}); err != nil {
				return err
			}
		}
		if err := q.OrderShipmentsTrim(ctx, dbsqlc.OrderShipmentsTrimParams{TenantID: tid, OrderID: o.ID, Keep: int32(len(in.Shipments))}); err != nil {
			return err
		}
		if out.Lines, err = q.OrderLinesOf(ctx, dbsqlc.OrderLinesOfParams{TenantID: tid, OrderID: o.ID}); err != nil {
			return err
		}
		out.Shipments, err = q.OrderShipmentsOf(ctx, dbsqlc.OrderShipmentsOfParams{TenantID: tid, OrderID: o.ID})
		return err
	})
	if err != nil {
		return Order{}, fmt.Errorf("conversation: upsert order %s %q: %w", in.Marketplace, in.Number, err)
	}
	return out, nil
}

// ErrNoSuchOrder means no order of the workspace has the number (on the marketplace given).
var ErrNoSuchOrder = errors.New("conversation: no such order in this workspace")

// AmbiguousOrderError means orders on several marketplaces share the number: the person picks one.
type AmbiguousOrderError struct{ Marketplaces []string }

func (e *AmbiguousOrderError) Error() string {
	return "conversation: order number on several marketplaces: " + strings.Join(e.Marketplaces, ", ")
}

// LinkOrder links the ticket to the workspace's order with the number (on marketplace, when
// several marketplaces have that number), replacing a link it had. An order of another workspace
// is never found: the lookup is the workspace's own.
func (s *Service) LinkOrder(ctx context.Context, sc tenant.Scope, ticketNumber int64, number, marketplace string) error {
	number, marketplace = strings.TrimSpace(number), strings.ToLower(strings.TrimSpace(marketplace))
	if number == "" {
		return validate.Errors{"order_number": "order_link.number_required"}
	}
	if k := validate.Text(number, 100); k != "" {
		return validate.Errors{"order_number": k}
	}
	return s.change(ctx, sc, ticketNumber, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		found, err := q.OrdersByNumber(ctx, dbsqlc.OrdersByNumberParams{TenantID: sc.TenantID(), Number: number})
		if err != nil {
			return "", nil, err
		}
		if marketplace != "" {
			found = slices.DeleteFunc(found, func(o dbsqlc.Order) bool { return o.Marketplace != marketplace })
		}
		switch {
		case len(found) == 0:
			return "", nil, ErrNoSuchOrder
		case len(found) > 1:
			mps := make([]string, len(found))
			for i, o := range found {
				mps[i] = o.Marketplace
			}
			return "", nil, &AmbiguousOrderError{Marketplaces: mps}
		}
		o := found[0]
		current, err := q.TicketOrderID(ctx, dbsqlc.TicketOrderIDParams{TenantID: sc.TenantID(), ID: t.ID})
		if err != nil {
			return "", nil, err
		}
		if current.Valid && current.UUID == o.ID {
			return "", nil, nil
		}
		if err := q.TicketSetOrder(ctx, dbsqlc.TicketSetOrderParams{TenantID: sc.TenantID(), ID: t.ID, OrderID: uuid.NullUUID{UUID: o.ID, Valid: true}}); err != nil {
			return "", nil, err
		}
		return "order_linked", map[string]any{"order": o.Number, "marketplace": o.Marketplace}, nil
	})
}

// UnlinkOrder removes the ticket's order link; a ticket without one is left as it is.
func (s *Service) UnlinkOrder(ctx context.Context, sc tenant.Scope, ticketNumber int64) error {
	return s.change(ctx, sc, ticketNumber, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		current, err := q.TicketOrderID(ctx, dbsqlc.TicketOrderIDParams{TenantID: sc.TenantID(), ID: t.ID})
		if err != nil || !current.Valid {
			return "", nil, err
		}
		o, err := q.OrderGet(ctx, dbsqlc.OrderGetParams{TenantID: sc.TenantID(), ID: current.UUID})
		if err != nil {
			return "", nil, err
		}
		if err := q.TicketSetOrder(ctx, dbsqlc.TicketSetOrderParams{TenantID: sc.TenantID(), ID: t.ID}); err != nil {
			return "", nil, err
		}
		return "order_unlinked", map[string]any{"order": o.Number, "marketplace": o.Marketplace}, nil
	})
}

// ordersOf joins the ticket page's orders with their lines and shipments (all read in one round
// trip, see Detail).
func ordersOf(rows []dbsqlc.OrdersOfTicketRow, lines []dbsqlc.OrderLine, ships []dbsqlc.OrderShipment) []Order {
	out := make([]Order, len(rows))
	at := make(map[uuid.UUID]int, len(rows))
	for i, r := range rows {
		out[i] = Order{Order: dbsqlc.Order{TenantID: r.TenantID, ID: r.ID, CustomerID: r.CustomerID, Marketplace: r.Marketplace,
			Store: r.Store, Number: r.Number, Status: r.Status, AmountMinor: r.AmountMinor, Currency: r.Currency,
			OrderedAt: r.OrderedAt, SourceAccount: r.SourceAccount, FetchedAt: r.FetchedAt,
			ExpectedDeliveryFrom: r.ExpectedDeliveryFrom, ExpectedDeliveryTo: r.ExpectedDeliveryTo, UpdatedAt: r.UpdatedAt},
			Linked: r.Linked}
		at[r.ID] = i
	}
	for _, l := range lines {
		if i, ok := at[l.OrderID]; ok {
			out[i].Lines = append(out[i].Lines, l)
		}
	}
	for _, sh := range ships {
		if i, ok := at[sh.OrderID]; ok {
			out[i].Shipments = append(out[i].Shipments, sh)
		}
	}
	return out
}
