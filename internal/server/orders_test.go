package server_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
)

// An order number two marketplaces share: linking by number asks which one at the field, with
// the marketplaces to choose from, and links the one chosen. An order of another workspace is
// "no such order" there, and the unlinked ticket shows statuses in the reader's language.
func TestLinkOrderByNumber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "orders", "admin@orders.test")
	other := app.Workspace(t, "elsewhere", "admin@elsewhere.test")
	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Which order?",
		Customer: conversation.CustomerRef{Name: "Ann", Email: "ann@example.com"}, Message: conversation.Inbound{Text: "Order 1001 is late."}})
	require.NoError(t, err)
	for _, mp := range []string{"webshop", "ebay.de"} {
		_, err := app.Conversations.UpsertOrder(ctx, sc, conversation.OrderInput{Marketplace: mp, Number: "1001", Status: "shipped",
			Currency: "EUR", OrderedAt: time.Now(), Shipments: []conversation.ShipmentInput{{Carrier: "Sameday", TrackingNumber: "1ONB24117123456"}}})
		require.NoError(t, err)
	}
	_, err = app.Conversations.UpsertOrder(ctx, other, conversation.OrderInput{Marketplace: "webshop", Number: "2002", Status: "shipped",
		Currency: "EUR", OrderedAt: time.Now()})
	require.NoError(t, err)
	c := app.SignIn(t, "admin@orders.test")
	path := fmt.Sprintf("/w/orders/t/%d", tk.Number)

	res := c.PostForm(path+"/order", url.Values{"order_number": {"1001"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "Order 1001 exists on several marketplaces: choose one.")
	require.Contains(t, res.Body, `<option value="ebay.de">ebay.de</option><option value="webshop">webshop</option>`)
	require.Contains(t, res.Body, `aria-describedby="order-number-error"`)

	res = c.PostForm(path+"/order", url.Values{"order_number": {"2002"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "No order 2002 in this workspace.")

	res = c.PostForm(path+"/order", url.Values{"order_number": {"1001"}, "order_marketplace": {"ebay.de"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	d, err := app.Conversations.Detail(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.True(t, d.Orders[0].Linked)
	require.Equal(t, "ebay.de", d.Orders[0].Marketplace)

	page := c.Get(path)
	require.Contains(t, page.Body, `href="https://sameday.ro/#awb=1ONB24117123456" target="_blank" rel="noopener noreferrer"`)
	require.Contains(t, page.Body, html.EscapeString("Order 1001 (ebay.de) linked"))

	// In Romanian and Korean: the status, the label and the timeline line are theirs.
	for lang, want := range map[string][]string{
		"ro": {"Comandă asociată", "Expediată", "Comanda 1001 (ebay.de) a fost asociată"},
		"ko": {"연결된 주문", "발송됨", "주문 1001 (ebay.de) 연결됨"},
	} {
		res := c.PostForm("/account", url.Values{"name": {"Admin"}, "language": {lang}})
		require.Less(t, res.StatusCode, 400)
		page := c.Get(path)
		for _, w := range want {
			require.Contains(t, page.Body, html.EscapeString(w), lang)
		}
		require.NotContains(t, page.Body, ">Linked order<", lang)
	}
}
