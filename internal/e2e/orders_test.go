package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
)

// The buyer's orders head the ticket's right column: at 1280×800 the latest order's number and
// tracking link are on screen without scrolling, older orders and long orders are folded, and an
// agent links another order by its number (a wrong number is refused at the field), then unlinks it.
func TestOrdersBesideTheTicket(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	other := app.Workspace(t, "other", "admin@other.test")
	tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "amazon", Marketplace: "amazon.de", Store: "Demo Shop DE",
		Subject:  "Inquiry from Amazon customer Laura Becker (Order: 302-4418211-7765932)",
		Customer: conversation.CustomerRef{Name: "Laura Becker", Email: "laura@example.com", Channel: "amazon", ExternalID: "x7k2m9p4q1r8s3"},
		Message:  conversation.Inbound{Text: "Hello, my order was supposed to arrive on Tuesday but tracking has not moved for four days. Can you check with the carrier?"}})
	require.NoError(t, err)
	now := time.Now()
	day := func(n int) *time.Time { d := now.AddDate(0, 0, n); return &d }
	upsert := func(in conversation.OrderInput) {
		t.Helper()
		_, err := app.Conversations.UpsertOrder(ctx, admin, in)
		require.NoError(t, err)
	}
	upsert(conversation.OrderInput{Marketplace: "amazon.de", Store: "Demo Shop DE", Number: "302-4418211-7765932", SourceAccount: "Seller Central EU",
		CustomerID: tk.CustomerID, Status: "shipped", AmountMinor: 12870, Currency: "EUR", OrderedAt: now.AddDate(0, 0, -6),
		ExpectedFrom: day(-1), ExpectedTo: day(1), FetchedAt: now.Add(-5 * time.Minute),
		Lines: []conversation.OrderLineInput{
			{Title: "Ceramic pour-over coffee set", SKU: "CPO-SET-WHT", ItemID: "B0C7JX4Q2M", Quantity: 1, UnitPriceMinor: 4990},
			{Title: "Paper filters size 02, 100 pcs", SKU: "FLT-02-100", ItemID: "B08KTR7L1D", Quantity: 2, UnitPriceMinor: 490},
			{Title: "Glass carafe 600 ml", SKU: "CRF-600", ItemID: "B07ZPX1Q8N", Quantity: 1, UnitPriceMinor: 2400},
			{Title: "Bamboo coffee scoop", SKU: "SCP-BMB", ItemID: "B01N2QX7ZK", Quantity: 1, UnitPriceMinor: 700},
			{Title: "Descaler 500 ml", SKU: "DSC-500", ItemID: "B0B8R6W4KD", Quantity: 2, UnitPriceMinor: 1200},
		},
		Shipments: []conversation.ShipmentInput{{Carrier: "UPS", Service: "Standard", TrackingNumber: "1Z999AA10123456784", ShippedAt: day(-5)}}})
	upsert(conversation.OrderInput{Marketplace: "amazon.de", Store: "Demo Shop DE", Number: "302-1111111-2222222", CustomerID: tk.CustomerID,
		Status: "delivered", AmountMinor: 3499, Currency: "EUR", OrderedAt: now.AddDate(0, -2, 0),
		Lines:     []conversation.OrderLineInput{{Title: "Stainless steel kettle 1.7 l", SKU: "KTL-17-SS", Quantity: 1, UnitPriceMinor: 3499}},
		Shipments: []conversation.ShipmentInput{{Carrier: "DHL", TrackingNumber: "00340434161094042557", ShippedAt: day(-62), DeliveredAt: day(-60)}}})
	// Another buyer's order, found by number only.
	upsert(conversation.OrderInput{Marketplace: "ebay.com", Store: "demoshop-outlet", Number: "12-34567-89012", Status: "unshipped",
		AmountMinor: 2500, Currency: "USD", OrderedAt: now.AddDate(0, 0, -1)})
	_, err = app.Conversations.UpsertOrder(ctx, other, conversation.OrderInput{Marketplace: "amazon.de", Number: "999-OTHER-WORKSPACE",
		Status: "shipped", Currency: "EUR", OrderedAt: now})
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("agent")
	signIn(p, app.URL, "admin@shop.test", apptest.Password)
	p.Do(
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(app.URL+"/w/shop/t/1"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=orders]`)),
	)
	p.Screenshot("orders-1280")

	// The latest order, its tracking link and its delivery window are on screen as the page opens.
	inView := func(sel string) bool {
		t.Helper()
		ok, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`(() => {
			const el = document.querySelector(`+"`"+sel+"`"+`);
			if (!el) return false;
			const r = el.getBoundingClientRect();
			return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth && window.scrollY === 0;
		})()`))
		require.NoError(t, err)
		return ok
	}
	first := `[data-testid=orders] > article.order`
	require.Equal(t, "302-4418211-7765932", p.Text(first+` [data-testid=order-number]`), "the latest order comes first")
	require.True(t, inView(first+` [data-testid=order-number]`), "the latest order's number is visible at 1280×800 without scrolling")
	require.True(t, inView(first+` [data-testid=tracking-link]`), "its tracking link is visible at 1280×800 without scrolling")
	require.True(t, inView(first+` [data-testid=order-expected]`), "and when it should arrive")
	link, err := chromedp.Run(p.Ctx, chromedp.Evaluate[map[string]string](`(() => {
		const a = document.querySelector("[data-testid=orders] > article.order [data-testid=tracking-link]");
		return {href: a.href, target: a.target, rel: a.rel, text: a.textContent.trim()};
	})()`))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"href": "https://www.ups.com/track?tracknum=1Z999AA10123456784", "target": "_blank",
		"rel": "noopener noreferrer", "text": "1Z999AA10123456784"}, link)
	card := p.Text(first)
	for _, want := range []string{"Shipped", "amazon.de · Demo Shop DE", "128.70 EUR", "Ceramic pour-over coffee set", "SKU CPO-SET-WHT",
		"ASIN B0C7JX4Q2M", "2 × 4.90 EUR", "2 more items", "UPS", "Standard", "Seller Central EU", "fetched 5 min ago"} {
		require.Contains(t, card, want)
	}
	require.NotContains(t, card, "Descaler", "lines after the third are folded")
	folded, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[]bool](`[...document.querySelectorAll("[data-testid=orders] details")].map(d => d.open)`))
	require.NoError(t, err)
	require.Equal(t, []bool{false, false}, folded, "the rest of the lines and the older order are closed")

	// A number the workspace does not have (another workspace's included) is refused at the field.
	for _, number := range []string{"999-NOPE", "999-OTHER-WORKSPACE"} {
		p.Do(
			chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=order-link-number]").value = ""`),
			chromedp.SendKeys(chromedp.CSS(`[data-testid=order-link-number]`), number),
			chromedp.Click(chromedp.CSS(`[data-testid=order-link-submit]`)),
		)
		// The page posts and comes back: wait for this number's refusal, not the last one's.
		p.Until(`(document.querySelector("[data-testid=order-link-error]") || {}).textContent === ` + jsString("No order "+number+" in this workspace."))
		value, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`document.querySelector("[data-testid=order-link-number]").value`))
		require.NoError(t, err)
		require.Equal(t, number, value, "what was typed stays")
	}
	p.Screenshot("order-refused")

	// The eBay order by its number: linked, it comes first with its label and the timeline says so.
	p.Do(
		chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=order-link-number]").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=order-link-number]`), "12-34567-89012"),
		chromedp.Click(chromedp.CSS(`[data-testid=order-link-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=linked-order]`)),
	)
	require.Equal(t, "12-34567-89012", p.Text(first+` [data-testid=order-number]`))
	require.Equal(t, "Linked order", p.Text(first+` [data-testid=linked-order]`))
	require.Equal(t, "Not shipped yet", p.Text(first+` [data-testid=order-status]`))
	require.Contains(t, p.Text(`[data-testid=thread]`), "Order 12-34567-89012 (ebay.com) linked")
	p.Screenshot("order-linked")
	require.True(t, inView(first+` [data-testid=order-number]`), "the linked order is on screen too")

	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=order-unlink]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=flash]`)),
	)
	p.Until(`!document.querySelector("[data-testid=linked-order]")`)
	require.Equal(t, "302-4418211-7765932", p.Text(first+` [data-testid=order-number]`))
	require.Contains(t, p.Text(`[data-testid=thread]`), "Order 12-34567-89012 (ebay.com) unlinked")
}
