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

// Merging two customers' tickets in the browser: the page asks, each message keeps its author,
// the customer card stays the target's, undo restores both. Then the customers themselves are
// merged on the customer page and that is undone too. Snoozed tickets show their wake-up time.
func TestMergeKeepsCustomersApart(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	mike, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Parcel not arrived",
		Customer: conversation.CustomerRef{Name: "Mike Chen", Email: "mike@example.com"}, Message: conversation.Inbound{Text: "My parcel is late"}})
	require.NoError(t, err)
	sofia, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Wrong size",
		Customer: conversation.CustomerRef{Name: "Sofia Rossi", Email: "sofia@example.com", Channel: "ebay", ExternalID: "sofia_r"},
		Message:  conversation.Inbound{Text: "The shoes are too small"}})
	require.NoError(t, err)
	require.Equal(t, []int64{1, 2}, []int64{mike.Number, sofia.Number})
	before := snapshot(t, app, admin, 1, 2)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@shop.test", apptest.Password)

	// Sofia's ticket into Mike's: the form comes back with the question.
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/2"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=merge-target]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=merge-target]`), "1"),
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`[data-testid=merge-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=merge-ask]`)),
	)
	require.Contains(t, p.Text(`[data-testid=merge-ask]`),
		"These tickets belong to different customers: Sofia Rossi and Mike Chen. The messages keep their authors; the customers stay separate. Merge anyway?")
	require.Equal(t, before, snapshot(t, app, admin, 1, 2), "nothing is merged before the answer")
	p.Screenshot("merge-asks")

	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=merge-anyway]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=undo-merge]`)),
	)
	p.Until(`document.querySelectorAll("[data-testid=thread] .msg-inbound").length === 2`)
	authors := map[string]string{}
	rows, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[]map[string]string](`[...document.querySelectorAll("[data-testid=thread] .msg-inbound")].map(m => ({author: m.querySelector(".msg-head strong").textContent.trim(), body: m.querySelector(".msg-body").textContent.trim()}))`))
	require.NoError(t, err)
	for _, r := range rows {
		authors[r["body"]] = r["author"]
	}
	require.Equal(t, map[string]string{"My parcel is late": "Mike Chen", "The shoes are too small": "Sofia Rossi"}, authors)
	card := p.Text(`[data-testid=customer]`)
	require.Contains(t, card, "Mike Chen")
	require.NotContains(t, card, "sofia_r", "Sofia's eBay id is not on Mike's card")
	require.NotContains(t, card, "sofia@example.com")
	require.Contains(t, p.Text(`[data-testid=other-authors]`), "Sofia Rossi")
	p.Screenshot("merged")

	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=undo-merge]`)))
	p.Until(`!!document.querySelector("[data-testid=flash]") && document.querySelector("[data-testid=flash]").textContent.includes("undone") && !document.querySelector("[data-testid=undo-merge]")`)
	require.Equal(t, before, snapshot(t, app, admin, 1, 2))

	// The customers themselves: Sofia's page, search for Mike, merge, then undo.
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/2"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=customer-link]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=customer-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=customer-page]`)),
	)
	require.Contains(t, p.Text(`[data-testid=customer-addresses]`), "sofia_r")
	p.Do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid=customer-search]`), "mike"),
		chromedp.Click(chromedp.CSS(`[data-testid=customer-search-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=customer-merge-submit]`)),
	)
	p.Screenshot("customer-merge-pick")
	p.Do(
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`[data-testid=customer-merge-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=customer-merge-undo]`)),
	)
	require.Equal(t, "Mike Chen", p.Text(`[data-testid=customer-name]`))
	require.Contains(t, p.Text(`[data-testid=customer-addresses]`), "sofia@example.com")
	require.Contains(t, p.Text(`[data-testid=customer-tickets]`), "Wrong size")
	p.Screenshot("customers-merged")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=customer-merge-undo]`)))
	p.Until(`!!document.querySelector("[data-testid=flash]") && document.querySelector("[data-testid=flash]").textContent.includes("undone") && !document.querySelector("[data-testid=customer-merge-undo]")`)
	require.NotContains(t, p.Text(`[data-testid=customer-addresses]`), "sofia@example.com")
	d, err := app.Conversations.Detail(ctx, admin, 2)
	require.NoError(t, err)
	require.Equal(t, sofia.CustomerID, d.Ticket.CustomerID)
	require.Equal(t, before, snapshot(t, app, admin, 1, 2))

	// A snoozed ticket is in the Snoozed view with its wake-up time, on the row and the page.
	until := time.Now().Add(72 * time.Hour)
	require.NoError(t, app.Conversations.SetStatus(ctx, admin, 2, "snoozed", &until))
	p.Do(chromedp.Navigate(app.URL + "/w/shop/inbox?view=snoozed"))
	p.Until(`document.querySelectorAll("[data-row]").length === 1 && !!document.querySelector("[data-testid=row-2] [data-testid=row-snoozed-until]")`)
	require.Contains(t, p.Text(`[data-testid=view-snoozed]`), "1")
	p.Screenshot("snoozed-view")
	p.Do(chromedp.Navigate(app.URL + "/w/shop/t/2"))
	p.Until(`!!document.querySelector("[data-testid=ticket-snoozed-until]")`)
	require.Contains(t, p.Text(`[data-testid=ticket-snoozed-until]`), "Snoozed until")
}
