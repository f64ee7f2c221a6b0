package conversation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/migrate"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store"
)

func TestTrackingURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ carrier, number, want string }{
		{"UPS", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"},
		{"ups", " 1Z999AA10123456784 ", "https://www.ups.com/track?tracknum=1Z999AA10123456784"},
		{"Royal Mail", "JB123456789GB", "https://www.royalmail.com/track-your-item#/tracking-results/JB123456789GB"},
		{"ROYAL_MAIL", "JB123456789GB", "https://www.royalmail.com/track-your-item#/tracking-results/JB123456789GB"},
		{"CJ대한통운", "612345678901", "https://trace.cjlogistics.com/next/tracking.html?wblNo=612345678901"},
		{"FAN Courier", "2171234567", "https://www.fancourier.ro/awb-tracking/?tracking=2171234567"},
		{"Hermes UK", "H01ABC", "https://www.evri.com/track/parcel/H01ABC"},
		// A number that tries to leave its parameter or path segment stays inside it.
		{"UPS", `1Z"><script>alert(1)</script>&tracknum=2`, "https://www.ups.com/track?tracknum=1Z%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26tracknum%3D2"},
		{"DPD", "../../../logout?x=1#y", "https://tracking.dpd.de/status/en_US/parcel/..%2F..%2F..%2Flogout%3Fx=1%23y"},
		{"Evri", "a b", "https://www.evri.com/track/parcel/a%20b"},
		// Unknown carrier, no number, nothing to look up: no link.
		{"Speedy Parcels Ltd", "ABC123", ""},
		{"", "ABC123", ""},
		{"UPS", "", ""},
		{"DPD", "../..", ""},
	} {
		require.Equal(t, c.want, conversation.TrackingURL(c.carrier, c.number), "%s %q", c.carrier, c.number)
	}
	require.Equal(t, "royal_mail", conversation.CarrierCode(" Royal Mail "))
	require.Equal(t, "Speedy Parcels Ltd", conversation.CarrierCode(" Speedy Parcels Ltd "))
	require.Equal(t, "Royal Mail", conversation.CarrierName("royal_mail"))
	require.Equal(t, "Speedy Parcels Ltd", conversation.CarrierName("Speedy Parcels Ltd"))
}

func TestUpsertOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup := func(t *testing.T) (*world, conversation.Ticket, conversation.OrderInput) {
		t.Helper()
		w := newWorld(t)
		tk := open(t, w, w.a, "Where is my parcel", "Hi", conversation.CustomerRef{Name: "Laura Becker", Email: "laura@example.com"})
		shipped, from, to := w.now.Add(-48*time.Hour), w.now.Add(24*time.Hour), w.now.Add(72*time.Hour)
		in := conversation.OrderInput{Marketplace: "Amazon.de", Store: "Demo Shop DE", Number: "302-4418211-7765932",
			SourceAccount: "Seller Central EU", CustomerID: tk.CustomerID, Status: "shipped", AmountMinor: 5480, Currency: "eur",
			OrderedAt: w.now.Add(-72 * time.Hour), ExpectedFrom: &from, ExpectedTo: &to,
			Lines: []conversation.OrderLineInput{
				{Title: "Pour-over set", SKU: "CPO-1", ItemID: "B0C7JX4Q2M", Quantity: 2, UnitPriceMinor: 2495},
				{Title: "Filters", SKU: "FLT-02", Quantity: 1, UnitPriceMinor: 490, TotalMinor: 490},
			},
			Shipments: []conversation.ShipmentInput{{Carrier: "DHL", Service: "Paket", TrackingNumber: "00340434161094042557", ShippedAt: &shipped}},
		}
		return w, tk, in
	}

	t.Run("SameInputTwiceIsOneOrder", func(t *testing.T) {
		t.Parallel()
		w, tk, in := setup(t)
		first, err := w.svc.UpsertOrder(ctx, w.a, in)
		require.NoError(t, err)
		require.Equal(t, "amazon.de", first.Marketplace)
		require.Equal(t, "EUR", first.Currency)
		require.Equal(t, w.now, first.FetchedAt.UTC(), "no fetch time given: now")
		require.Len(t, first.Lines, 2)
		require.Equal(t, int64(4990), first.Lines[0].TotalMinor, "unit price × quantity")
		require.Equal(t, "EUR", first.Lines[1].Currency, "the order's currency")
		require.Len(t, first.Shipments, 1)
		require.Equal(t, "dhl", first.Shipments[0].Carrier)

		w.now = w.now.Add(5 * time.Minute)
		again, err := w.svc.UpsertOrder(ctx, w.a, in)
		require.NoError(t, err)
		require.Equal(t, first.ID, again.ID)
		require.Equal(t, w.now, again.FetchedAt.UTC())
		for i := range first.Lines {
			require.Equal(t, first.Lines[i], again.Lines[i], "lines are updated in place")
		}
		require.Equal(t, first.Shipments, again.Shipments)

		d, err := w.svc.Detail(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.Len(t, d.Orders, 1)
		require.Len(t, d.Orders[0].Lines, 2)
		require.Len(t, d.Orders[0].Shipments, 1)
		require.False(t, d.Orders[0].Linked)
	})

	t.Run("AFetchReplacesLinesAndShipments", func(t *testing.T) {
		t.Parallel()
		w, tk, in := setup(t)
		_, err := w.svc.UpsertOrder(ctx, w.a, in)
		require.NoError(t, err)
		delivered := w.now
		in.Status = "delivered"
		in.Lines = in.Lines[:1]
		in.Shipments = append(in.Shipments, conversation.ShipmentInput{Carrier: "Speedy Parcels", TrackingNumber: "SP-1", DeliveredAt: &delivered})
		in.CustomerID = [16]byte{} // a source that does not know the buyer keeps the order's customer
		o, err := w.svc.UpsertOrder(ctx, w.a, in)
		require.NoError(t, err)
		require.Equal(t, "delivered", o.Status)
		require.Len(t, o.Lines, 1)
		require.Len(t, o.Shipments, 2)
		require.Equal(t, "Speedy Parcels", o.Shipments[1].Carrier)
		require.Equal(t, tk.CustomerID, o.CustomerID.UUID)
	})

	t.Run("RefusesWhatIsNotAnOrder", func(t *testing.T) {
		t.Parallel()
		w, _, in := setup(t)
		bad := in
		bad.Number, bad.Status, bad.Currency = " ", "lost", "euro"
		bad.Lines = []conversation.OrderLineInput{{Title: "x", Quantity: -1}}
		ve := problem(t, func() error { _, err := w.svc.UpsertOrder(ctx, w.a, bad); return err }())
		require.Equal(t, "order.number_required", ve["number"])
		require.Equal(t, "order.status_invalid", ve["status"])
		require.Equal(t, "order.currency_invalid", ve["currency"])
		require.Equal(t, "order.quantity_invalid", ve["lines.0"])
	})

	t.Run("WorkspacesHaveTheirOwnOrders", func(t *testing.T) {
		t.Parallel()
		w, _, in := setup(t)
		a, err := w.svc.UpsertOrder(ctx, w.a, in)
		require.NoError(t, err)
		in.CustomerID = [16]byte{}
		b, err := w.svc.UpsertOrder(ctx, w.b, in)
		require.NoError(t, err)
		require.NotEqual(t, a.ID, b.ID, "the same number in another workspace is another order")
	})
}

func TestLinkOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup := func(t *testing.T) (*world, conversation.Ticket) {
		t.Helper()
		w := newWorld(t)
		tk := open(t, w, w.a, "Refund", "Please refund", conversation.CustomerRef{Name: "Mike Chen", Email: "mike@example.com"})
		other := open(t, w, w.a, "Other", "Other buyer", conversation.CustomerRef{Name: "Ann", Email: "ann@example.com"})
		for _, o := range []conversation.OrderInput{
			{Marketplace: "ebay.com", Number: "12-34567-89012", Status: "delivered", Currency: "USD", OrderedAt: w.now.Add(-time.Hour), CustomerID: tk.CustomerID},
			// Someone else's order, older: linked, it still comes first.
			{Marketplace: "amazon.de", Number: "302-1", Status: "shipped", Currency: "EUR", OrderedAt: w.now.Add(-48 * time.Hour), CustomerID: other.CustomerID},
			{Marketplace: "amazon.co.uk", Number: "SAME-1", Status: "shipped", Currency: "GBP", OrderedAt: w.now.Add(-48 * time.Hour)},
			{Marketplace: "webshop", Number: "SAME-1", Status: "shipped", Currency: "EUR", OrderedAt: w.now.Add(-48 * time.Hour)},
		} {
			_, err := w.svc.UpsertOrder(ctx, w.a, o)
			require.NoError(t, err)
		}
		_, err := w.svc.UpsertOrder(ctx, w.b, conversation.OrderInput{Marketplace: "amazon.de", Number: "999-BRAVO", Status: "shipped", Currency: "EUR", OrderedAt: w.now})
		require.NoError(t, err)
		return w, tk
	}
	events := func(t *testing.T, w *world, n int64) []string {
		t.Helper()
		d, err := w.svc.Detail(ctx, w.a, n)
		require.NoError(t, err)
		var out []string
		for _, e := range d.Events {
			if e.Kind == "order_linked" || e.Kind == "order_unlinked" {
				out = append(out, e.Kind+" "+string(e.Data))
			}
		}
		return out
	}

	t.Run("LinkShowsFirstAndUnlink", func(t *testing.T) {
		t.Parallel()
		w, tk := setup(t)
		require.NoError(t, w.svc.LinkOrder(ctx, w.a, tk.Number, " 302-1 ", ""))
		require.NoError(t, w.svc.LinkOrder(ctx, w.a, tk.Number, "302-1", ""), "linking again changes nothing")
		d, err := w.svc.Detail(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.Len(t, d.Orders, 2)
		require.Equal(t, "302-1", d.Orders[0].Number)
		require.True(t, d.Orders[0].Linked)
		require.Equal(t, "12-34567-89012", d.Orders[1].Number)
		ev := events(t, w, tk.Number)
		require.Len(t, ev, 1)
		kind, data, _ := strings.Cut(ev[0], " ")
		require.Equal(t, "order_linked", kind)
		require.JSONEq(t, `{"order": "302-1", "marketplace": "amazon.de"}`, data)

		require.NoError(t, w.svc.UnlinkOrder(ctx, w.a, tk.Number))
		require.NoError(t, w.svc.UnlinkOrder(ctx, w.a, tk.Number), "nothing linked: nothing to do")
		d, err = w.svc.Detail(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.Len(t, d.Orders, 1)
		require.Len(t, events(t, w, tk.Number), 2)
	})

	t.Run("AmbiguousNumberAsksForTheMarketplace", func(t *testing.T) {
		t.Parallel()
		w, tk := setup(t)
		err := w.svc.LinkOrder(ctx, w.a, tk.Number, "SAME-1", "")
		amb, ok := errors.AsType[*conversation.AmbiguousOrderError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, []string{"amazon.co.uk", "webshop"}, amb.Marketplaces)
		require.NoError(t, w.svc.LinkOrder(ctx, w.a, tk.Number, "SAME-1", "webshop"))
		d, err := w.svc.Detail(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.Equal(t, "webshop", d.Orders[0].Marketplace)
	})

	t.Run("RefusesOrdersItCannotFind", func(t *testing.T) {
		t.Parallel()
		w, tk := setup(t)
		require.ErrorIs(t, w.svc.LinkOrder(ctx, w.a, tk.Number, "999-BRAVO", ""), conversation.ErrNoSuchOrder, "another workspace's order")
		require.ErrorIs(t, w.svc.LinkOrder(ctx, w.a, tk.Number, "302-1", "ebay.com"), conversation.ErrNoSuchOrder, "not on that marketplace")
		require.Equal(t, "order_link.number_required", problem(t, w.svc.LinkOrder(ctx, w.a, tk.Number, "  ", ""))["order_number"])
		require.ErrorIs(t, w.svc.LinkOrder(ctx, w.b, tk.Number, "999-BRAVO", ""), store.ErrNotFound, "a ticket number of another workspace")
		require.Empty(t, events(t, w, tk.Number))
	})
}

// Migration 000017 turns each order's items array into lines and its tracking number into a
// shipment; its down migration puts them back.
func TestMigrationMovesOrdersToLinesAndShipments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	tk := open(t, w, w.a, "Where is it", "Hi", conversation.CustomerRef{Name: "Laura", Email: "laura@example.com"})
	owner, err := pgxpool.New(ctx, w.db.OwnerURL)
	require.NoError(t, err)
	t.Cleanup(owner.Close)
	migrateDownBelow(t, owner, 17)

	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	tid := w.a.TenantID()
	exec(`INSERT INTO orders (tenant_id, customer_id, marketplace, number, status, items, amount_minor, currency, ordered_at, shipped_at, tracking_number, tracking_url)
		VALUES ($1, $2, 'amazon.de', '302-1', 'shipped',
			'[{"title": "Kettle", "sku": "KTL-1", "asin": "B09X", "quantity": 2, "price_minor": 1500}, "Gift wrap", {"name": "Mug", "quantity": "lots"}]',
			3000, 'EUR', $3, $3, '1Z999AA10123456784', 'https://www.ups.com/track?tracknum=1Z999AA10123456784')`, tid, tk.CustomerID, w.now)
	exec(`INSERT INTO orders (tenant_id, customer_id, marketplace, number, status, items, currency, ordered_at, tracking_number)
		VALUES ($1, $2, 'webshop', 'W-2', 'shipped', '{"not": "an array"}', 'RON', $3, 'AWB-77')`, tid, tk.CustomerID, w.now.Add(-time.Hour))
	exec(`INSERT INTO orders (tenant_id, customer_id, marketplace, number, status, currency, ordered_at)
		VALUES ($1, $2, 'webshop', 'W-3', 'unshipped', 'RON', $3)`, tid, tk.CustomerID, w.now.Add(-2*time.Hour))

	require.NoError(t, migrate.Up(ctx, owner, pgtest.AppRole, pgtest.AppPassword, nil))

	d, err := w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Len(t, d.Orders, 3)
	o := d.Orders[0]
	require.Equal(t, "302-1", o.Number)
	require.Len(t, o.Lines, 3)
	require.Equal(t, []any{"Kettle", "KTL-1", "B09X", int32(2), int64(1500), int64(3000), "EUR"},
		[]any{o.Lines[0].Title, o.Lines[0].Sku, o.Lines[0].ItemID, o.Lines[0].Quantity, o.Lines[0].UnitPriceMinor, o.Lines[0].TotalMinor, o.Lines[0].Currency})
	require.Equal(t, "Gift wrap", o.Lines[1].Title)
	require.Equal(t, []any{"Mug", int32(1)}, []any{o.Lines[2].Title, o.Lines[2].Quantity}, "an unreadable quantity is one")
	require.Len(t, o.Shipments, 1)
	require.Equal(t, "ups", o.Shipments[0].Carrier, "the carrier read from the old link")
	require.Equal(t, "1Z999AA10123456784", o.Shipments[0].TrackingNumber)
	require.Equal(t, w.now, o.Shipments[0].ShippedAt.UTC())
	require.Empty(t, d.Orders[1].Lines)
	require.Len(t, d.Orders[1].Shipments, 1)
	require.Equal(t, "", d.Orders[1].Shipments[0].Carrier)
	require.Empty(t, d.Orders[2].Shipments, "not shipped, no tracking: no shipment")

	// Down again: the items and the tracking number come back.
	migrateDownBelow(t, owner, 17)
	var items, number string
	require.NoError(t, owner.QueryRow(ctx, `SELECT items::text, tracking_number FROM orders WHERE tenant_id = $1 AND number = '302-1'`, tid).Scan(&items, &number))
	require.JSONEq(t, `[{"title": "Kettle", "sku": "KTL-1", "asin": "B09X", "quantity": 2, "price_minor": 1500},
		{"title": "Gift wrap", "sku": "", "asin": "", "quantity": 1, "price_minor": 0},
		{"title": "Mug", "sku": "", "asin": "", "quantity": 1, "price_minor": 0}]`, items)
	require.Equal(t, "1Z999AA10123456784", number)
	require.NoError(t, migrate.Up(ctx, owner, pgtest.AppRole, pgtest.AppPassword, nil))
}

// migrateDownBelow rolls the schema back one migration at a time until its version is below v:
// by version, not by a count of steps, so migrations added later (or numbers skipped) do not
// move where it stops.
func migrateDownBelow(t *testing.T, owner *pgxpool.Pool, v uint) {
	t.Helper()
	for {
		s, err := migrate.Version(context.Background(), owner)
		require.NoError(t, err)
		if s.Version < v {
			return
		}
		require.NoError(t, migrate.Down(owner, 1))
	}
}
