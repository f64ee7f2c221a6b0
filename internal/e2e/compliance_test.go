package e2e

import (
	"context"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
)

// On an Amazon ticket, a link and a phone number typed in a reply are marked with their reasons
// while typing, and Send is refused with the reason and the draft kept. An e-mail ticket shows
// nothing of it.
func TestComplianceMarksWhileTypingAndRefusesSend(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	out := app.Connect("amazon", "email")
	tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "amazon", Marketplace: "amazon.de",
		Subject: "Inquiry from Amazon customer Jonas (Order: 302-4418211-7765932)", Language: "en",
		Customer: conversation.CustomerRef{Name: "Jonas", Channel: "amazon", ExternalID: "knsrqr1h8bkp9yh@marketplace.amazon.de"},
		Message:  conversation.Inbound{Text: "Where is my parcel?"}})
	require.NoError(t, err)
	mail, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Parcel late",
		Customer: conversation.CustomerRef{Name: "Mia Berg", Email: "mia@example.com"}, Message: conversation.Inbound{Text: "Where is it?"}})
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@shop.test", apptest.Password)
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+strconv.FormatInt(tk.Number, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "Order 302-4418211-7765932 left today. Details on https://myshop-example.com/help or call 030 1234567."),
	)
	p.Until(`document.querySelectorAll("[data-testid=compliance-finding][data-level=block]").length === 2`)
	p.Until(`!!document.querySelector('[data-rule="amazon.link"]') && !!document.querySelector('[data-rule="amazon.phone"]')`)
	require.Contains(t, p.Text(`[data-rule="amazon.link"]`), "https://myshop-example.com/help")
	require.Contains(t, p.Text(`[data-rule="amazon.link"]`), "Links are allowed only to the marketplace itself")
	require.Contains(t, p.Text(`[data-rule="amazon.phone"]`), "030 1234567")
	require.Contains(t, p.Text(`[data-rule="amazon.phone"]`), "Phone numbers may not be sent to the buyer.")
	p.Screenshot("compliance-while-typing")

	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)))
	p.Until(`!!document.querySelector("[data-testid=compliance-refused]")`)
	require.Contains(t, p.Text(`[data-testid=compliance-refused]`), "Not sent: Amazon does not allow what is marked below.")
	require.Contains(t, p.Text(`[data-rule="amazon.link"]`), "Links are allowed only")
	draft, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`document.querySelector("[data-testid=reply-body]").value`))
	require.NoError(t, err)
	require.Contains(t, draft, "https://myshop-example.com/help", "the draft is kept")
	require.Empty(t, out.Sent())

	// Taking both out clears the box, and the reply goes.
	_, err = chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`(document.querySelector("[data-testid=reply-body]").value = "") === ""`))
	require.NoError(t, err)
	p.Do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "Order 302-4418211-7765932 left today with DHL, tracking 1234567890."),
	)
	p.Until(`!document.querySelector("[data-testid=compliance-finding]")`)
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)))
	p.Until(`!!document.querySelector("[data-testid=msg-outbound]")`)

	// An e-mail ticket has no marketplace rules: no box, nothing marked.
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+strconv.FormatInt(mail.Number, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "Call 030 1234567 or see https://myshop-example.com"),
	)
	p.Until(`!document.querySelector("[data-testid=compliance]")`)
}
