package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/mailtest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// A reply nothing connected can deliver is refused with the reason and the draft kept; the admin
// gets the link to connect a mailbox, the agent (who cannot open that page) does not.
func TestReplyWithoutChannelIsRefused(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "nochan", "admin@nochan.test")
	app.Member(t, admin, "agent@nochan.test", tenant.RoleAgent)
	_, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Name: "Ana", Email: "ana@example.com"}, Message: conversation.Inbound{Text: "Hello?"}})
	require.NoError(t, err)

	b := NewBrowser(t)
	for _, who := range []struct {
		email string
		link  bool
	}{{"admin@nochan.test", true}, {"agent@nochan.test", false}} {
		p := b.NewPerson(who.email)
		signIn(p, app.URL, who.email, apptest.Password)
		p.Do(
			chromedp.Navigate(app.URL+"/w/nochan/t/1"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "It ships today."),
			chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
		)
		p.Until(`!!document.querySelector("[data-testid=no-channel]")`)
		require.Contains(t, p.Text(`[data-testid=no-channel]`), "Not sent: no connected mailbox or account for this channel")
		draft, err := chromedp.Run(p.Ctx, chromedp.Value(chromedp.CSS(`[data-testid=reply-body]`)))
		require.NoError(t, err)
		require.Equal(t, "It ships today.", draft, "the draft is kept")
		links, err := chromedp.Run(p.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=connect-channel]").length`))
		require.NoError(t, err)
		require.Equal(t, who.link, links == 1)
		p.Screenshot("refused")
	}
	d, err := app.Conversations.Detail(ctx, admin, 1)
	require.NoError(t, err)
	require.Len(t, d.Messages, 1, "nothing was queued or sent")
}

// With real Postfix refusing, the agent sees the reply retrying, then failed, resends it and
// edits and resends another; a reply Postfix accepted and later returned flips to failed, and
// the first-response chip is no longer "met".
func TestFailingRepliesInTheBrowser(t *testing.T) {
	mt := mailtest.Start(t)
	app := apptest.StartWith(t, map[string]string{"SHOPDESK_SEND_RETRY_WINDOW": "8s", "SHOPDESK_MAIL_POLL": "1h"},
		func(a *apptest.App) { a.Email.RootCAs = mt.RootCAs })
	ctx := context.Background()
	admin := app.Workspace(t, "failing", "admin@failing.test")
	box := mt.Mailbox(t)
	acct, err := app.Email.Create(ctx, admin, email.Form{Name: "Main store", Address: box,
		IMAPHost: "127.0.0.1", IMAPPort: strconv.Itoa(mt.IMAPSPort), IMAPTLS: "tls", IMAPPassword: mailtest.Password,
		SMTPHost: "127.0.0.1", SMTPPort: strconv.Itoa(mt.SMTPPort), SMTPTLS: "none"})
	require.NoError(t, err)
	for _, addr := range []string{mailtest.DeferredLocal + "@customers.test", mailtest.RefusedLocal + "@customers.test", "nobody@" + mailtest.BouncingDomain} {
		_, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Question from " + addr, EmailAccountID: acct.ID,
			Customer: conversation.CustomerRef{Name: "Buyer", Email: addr}, Message: conversation.Inbound{Text: "Where is my order?", From: addr}})
		require.NoError(t, err)
	}

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@failing.test", apptest.Password)
	send := func(number int, text string) {
		p.Do(
			chromedp.Navigate(app.URL+"/w/failing/t/"+strconv.Itoa(number)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), text),
			chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
		)
		p.Until(`!!document.querySelector("[data-testid=flash]") && document.querySelector("[data-testid=flash]").textContent.includes("queued")`)
	}
	// The thread updates live; the SLA box beside it shows the next time the page is opened.
	reloadUntil := func(url, expr string) {
		deadline := time.Now().Add(150 * time.Second) // a loaded CI machine: an end state, not a timing
		for time.Now().Before(deadline) {
			nav, cancel := context.WithTimeout(p.Ctx, 20*time.Second)
			err := chromedp.Do(nav, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)))
			cancel()
			if err != nil {
				time.Sleep(time.Second) // a navigation still in flight; try again
				continue
			}
			ok, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool]("(() => { try { return !!("+expr+"); } catch (e) { return false; } })()"))
			if err == nil && ok {
				return
			}
			time.Sleep(time.Second)
		}
		t.Fatalf("%s never showed %s (screenshot: %s)", url, expr, p.Screenshot("failure"))
	}
	threadHas := func(s string) string {
		return `document.getElementById("thread") && document.getElementById("thread").textContent.includes(` + strconv.Quote(s) + `)`
	}

	// 451: the failing state with the attempt, the next try and the server's answer; then failed.
	ticket1, ticket2 := app.URL+"/w/failing/t/1", app.URL+"/w/failing/t/2"
	send(1, "Your order ships today.")
	reloadUntil(ticket1, `!!document.querySelector("[data-testid=delivery-retrying]")`)
	retrying := p.Text(`[data-testid=delivery-retrying]`)
	require.Contains(t, retrying, "Sending failed, retrying (attempt 1, next try ")
	require.Contains(t, retrying, "the mail server asked to try again later (451 4.3.0")
	p.Screenshot("retrying")
	reloadUntil(ticket1, `!!document.querySelector("[data-testid=resend]")`)
	require.Equal(t, "Failed", p.Text(`[data-testid=delivery]`))
	require.Contains(t, p.Text(`[data-testid=delivery-error]`), "gave up after")
	p.Screenshot("failed")
	// Resend: a new series of attempts.
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=resend]`)))
	p.Until(`!!document.querySelector("[data-testid=flash]") && document.querySelector("[data-testid=flash]").textContent.includes("queued again")`)
	require.NotContains(t, p.Text(`[data-testid=delivery]`), "Failed")
	reloadUntil(ticket1, `!!document.querySelector("[data-testid=resend]")`)

	// 550: failed at once, with the server's answer; "Edit and resend" puts the text back.
	send(2, "Refund issued.")
	reloadUntil(ticket2, `!!document.querySelector("[data-testid=edit-resend]")`)
	require.Contains(t, p.Text(`[data-testid=delivery-error]`), "550 5.1.1")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=edit-resend]`)))
	p.Until(`!!document.querySelector("[data-testid=editing-failed]")`)
	draft, err := chromedp.Run(p.Ctx, chromedp.Value(chromedp.CSS(`[data-testid=reply-body]`)))
	require.NoError(t, err)
	require.Equal(t, "Refund issued.", draft)
	p.Do(
		chromedp.SetValue(chromedp.CSS(`[data-testid=reply-body]`), "Refund issued. Sorry for the wait."),
		chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
	)
	reloadUntil(ticket2, threadHas("Replaced")+` && `+threadHas("Refund issued. Sorry for the wait."))
	p.Screenshot("edited")

	// Accepted by Postfix, then returned by it: sent and first response met, then failed, not met.
	send(3, "Here is your tracking number.")
	ticket3 := app.URL + "/w/failing/t/3"
	reloadUntil(ticket3, `document.querySelector("[data-testid=delivery]").textContent === "Sent" && `+
		`document.querySelector("[data-testid=sla-first_response]").textContent.includes("met")`)
	p.Screenshot("sent")
	// Postfix has returned it to the shop's mailbox by now or soon; the mailbox sync (no periodic
	// one in this test, so "Sent" could be seen first) brings the report through the pipeline.
	require.Eventually(t, func() bool {
		_, err := app.Email.Sync(ctx, admin.TenantID(), acct.ID, app.Ingest, true)
		require.NoError(t, err)
		d, err := app.Conversations.Detail(ctx, admin, 3)
		require.NoError(t, err)
		return d.Messages[len(d.Messages)-1].DeliveryState == "failed"
	}, 60*time.Second, 500*time.Millisecond)
	reloadUntil(ticket3, `document.querySelector("[data-testid=delivery]").textContent === "Failed"`)
	require.Contains(t, p.Text(`[data-testid=delivery-error]`), "returned after sending")
	require.NotContains(t, p.Text(`[data-testid=sla-first_response]`), "met")
	p.Screenshot("bounced")
}
