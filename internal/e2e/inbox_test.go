package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/seed"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func signIn(p *Person, base, email, password string) {
	p.Do(
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=nav-inbox]`)),
	)
}

// Two agents on one ticket: presence, a reply appearing live, the collision warning, merge and
// undo, and a bulk assignment — all in real Chromium with two browser contexts.
func TestTwoAgentsOnOneTicket(t *testing.T) {
	app := apptest.Start(t)
	app.Connect("email")
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	one := app.Member(t, admin, "one@shop.test", tenant.RoleAgent)
	two := app.Member(t, admin, "two@shop.test", tenant.RoleAgent)
	_ = two
	var numbers []int64
	for i, subj := range []string{"Where is my parcel?", "Parcel question again", "Invoice please", "Wrong colour", "Broken lid"} {
		tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: subj,
			Customer: conversation.CustomerRef{Name: "Buyer " + string(rune('A'+i)), Email: "buyer" + string(rune('a'+i)) + "@example.com"},
			Message:  conversation.Inbound{Text: "Hello, " + subj}})
		require.NoError(t, err)
		numbers = append(numbers, tk.Number)
	}
	b := NewBrowser(t)
	p1, p2 := b.NewPerson("one"), b.NewPerson("two")
	signIn(p1, app.URL, "one@shop.test", apptest.Password)
	signIn(p2, app.URL, "two@shop.test", apptest.Password)
	ticket := app.URL + "/w/shop/t/1"

	// Agent 1 opens the ticket; agent 2, on the same ticket, sees "viewing".
	p1.Do(chromedp.Navigate(ticket), chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)))
	p2.Do(chromedp.Navigate(ticket), chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)))
	p2.Until(`document.querySelector("[data-testid=presence]").textContent.includes("Person one@shop.test")`)
	require.Contains(t, p2.Text(`[data-testid=presence]`), "viewing")
	p2.Screenshot("presence")

	// Agent 1 starts typing; agent 2 replies; agent 1's page shows the reply without a reload.
	p1.Do(chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "We are checking with the carrier"))
	p2.Do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "It left our warehouse this morning."),
		chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
	)
	p2.Until(`!!document.querySelector("[data-testid=flash]") && document.querySelector("[data-testid=flash]").textContent.includes("queued")`)
	p1.Until(`document.getElementById("thread").textContent.includes("It left our warehouse this morning.")`)
	p1.Screenshot("live-reply")

	// Agent 1 sends the draft started before that reply: held, with the draft kept.
	p1.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=wrote-again]`)),
	)
	draft, err := chromedp.Run(p1.Ctx, chromedp.Value(chromedp.CSS(`[data-testid=reply-body]`)))
	require.NoError(t, err)
	require.Equal(t, "We are checking with the carrier", draft)
	p1.Screenshot("warned")
	d, err := app.Conversations.Detail(ctx, one, 1)
	require.NoError(t, err)
	require.Len(t, d.Messages, 2, "the held reply was not sent")

	// Merge ticket 2 into ticket 1, then undo: both tickets are exactly as before.
	before := snapshot(t, app, one, 1, 2)
	p1.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/2"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=merge-target]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=merge-target]`), "1"),
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`[data-testid=merge-submit]`)),
		// Buyer B's ticket into Buyer A's: the page asks first.
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=merge-anyway]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=merge-anyway]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=undo-merge]`)),
	)
	require.Contains(t, p1.Text(`[data-testid=thread]`), "Parcel question again")
	// Wait for the page after the undo (its message), not merely for the old page to go away.
	p1.Do(chromedp.Click(chromedp.CSS(`[data-testid=undo-merge]`)))
	p1.Until(`!!document.querySelector("[data-testid=flash]") && document.querySelector("[data-testid=flash]").textContent.includes("undone") && !document.querySelector("[data-testid=undo-merge]")`)
	require.Equal(t, before, snapshot(t, app, one, 1, 2))

	// Bulk-assign three tickets to agent 2.
	p1.Do(
		chromedp.Navigate(app.URL+"/w/shop/inbox?view=open"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=bulk-form]`)),
	)
	p1.Until(`document.readyState === "complete"`)
	p1.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=select-3]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=select-4]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=select-5]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid=bulk-action]`), "assign"),
		chromedp.SetValue(chromedp.CSS(`[data-testid=bulk-assignee]`), two.UserID.String()),
	)
	p1.Until(`document.querySelectorAll("[data-testid=bulk-form] input[name=ticket]:checked").length === 3 && ` +
		`document.querySelector("[data-testid=bulk-assignee]").value === "` + two.UserID.String() + `"`)
	p1.Do(chromedp.Click(chromedp.CSS(`[data-testid=bulk-apply]`)))
	p1.Until(`!!document.querySelector("[data-testid=flash]") && document.querySelector("[data-testid=flash]").textContent.includes("Done")`)
	mine, err := app.Conversations.List(ctx, two, conversation.Filter{View: "mine", Priority: -1}, "", 50)
	require.NoError(t, err)
	var got []int64
	for _, it := range mine.Items {
		got = append(got, it.Number)
	}
	require.ElementsMatch(t, numbers[2:], got)
	p1.Screenshot("bulk")
}

type ticketState struct {
	Status, Subject string
	Messages        []string
	Assignee        string
}

func snapshot(t *testing.T, app *apptest.App, sc tenant.Scope, numbers ...int64) []ticketState {
	t.Helper()
	var out []ticketState
	for _, n := range numbers {
		d, err := app.Conversations.Detail(context.Background(), sc, n)
		require.NoError(t, err)
		s := ticketState{Status: d.Ticket.Status, Subject: d.Ticket.Subject, Assignee: d.Ticket.AssigneeID.UUID.String()}
		for _, m := range d.Messages {
			s.Messages = append(s.Messages, m.BodyText)
		}
		out = append(out, s)
	}
	return out
}

// TestInboxScreens renders the demo inbox and a ticket in all three languages, for people to look
// at (SHOPDESK_SCREENSHOTS keeps them) and to catch a page that fails to render in one language.
func TestInboxScreens(t *testing.T) {
	app := apptest.Start(t)
	_, err := seed.DemoWith(context.Background(), app.DB.Store, app.Jobs)
	require.NoError(t, err)
	b := NewBrowser(t)
	for _, lang := range []string{"en", "ko", "ro"} {
		p := b.NewPerson(lang)
		signIn(p, app.URL, "agent@demo.test", seed.DemoPassword)
		p.Do(chromedp.Navigate(app.URL + "/account"))
		p.Do(
			chromedp.SetValue(chromedp.CSS(`[data-testid=profile-form] #language`), lang),
			chromedp.Click(chromedp.CSS(`[data-testid=profile-save]`)),
		)
		p.Until(`!!document.querySelector("[data-testid=flash]")`)
		p.Do(chromedp.Navigate(app.URL + "/w/demo/inbox?view=open"))
		p.Until(`document.querySelectorAll("[data-row]").length === 9`)
		p.Screenshot("inbox")
		p.Do(chromedp.Navigate(app.URL + "/w/demo/t/2"))
		p.Until(`document.querySelectorAll("[data-testid=thread] .msg").length === 3`)
		p.Screenshot("ticket")
		p.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=customer-link]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=customer-page]`)),
		)
		p.Screenshot("customer")
		p.Do(chromedp.Navigate(app.URL + "/w/demo/inbox?view=closed"))
		p.Until(`!!document.querySelector("[data-testid=view-closed][aria-current=page]")`)
		p.Screenshot("closed")
		p.Do(chromedp.Navigate(app.URL + "/w/demo/search?q=aplicatie"))
		p.Until(`document.querySelectorAll("[data-row]").length === 1 && !!document.querySelector("[data-testid=row-4]")`)

		// The admin's automation pages in each language, with the demo's presets, rules and teams.
		a := b.NewPerson("admin-" + lang)
		signIn(a, app.URL, "admin@demo.test", seed.DemoPassword)
		a.Do(chromedp.Navigate(app.URL + "/account"))
		a.Do(
			chromedp.SetValue(chromedp.CSS(`[data-testid=profile-form] #language`), lang),
			chromedp.Click(chromedp.CSS(`[data-testid=profile-save]`)),
		)
		a.Until(`!!document.querySelector("[data-testid=flash]")`)
		for page, ready := range map[string]string{"sla": "policies", "rules": "rules", "hours": "hours-form", "teams": "team-Tier 1 support"} {
			a.Do(chromedp.Navigate(app.URL + "/w/demo/settings/" + page))
			a.Until(`!!document.querySelector('[data-testid="` + ready + `"]')`)
			a.Screenshot("settings-" + page)
		}
	}
}
