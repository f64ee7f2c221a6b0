package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// visible is a JavaScript test for an element laid out on the page (not display: none).
func visible(sel string) string {
	return `(() => { const e = document.querySelector(` + strconv.Quote(sel) + `); return !!e && e.getClientRects().length > 0; })()`
}

// Note mode looks like a note and offers no "Send and resolve"; reply mode is as before.
func TestComposerNoteMode(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	app.Connect("email")
	tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Parcel late",
		Customer: conversation.CustomerRef{Name: "Mia Berg", Email: "mia@example.com"}, Message: conversation.Inbound{Text: "Where is it?"}})
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@shop.test", apptest.Password)
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+strconv.FormatInt(tk.Number, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
	)
	p.Until(visible(`[data-testid=reply-send-resolve]`))
	p.Until(`!` + visible(`[data-testid=note-label]`))
	require.Equal(t, "Send", p.Text(`[data-testid=reply-send]`))
	replyBg := bg(t, p)

	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=mode-note]`)))
	p.Until(`!` + visible(`[data-testid=reply-send-resolve]`))
	require.Equal(t, "Internal note — the customer will not see this", p.Text(`[data-testid=note-label]`))
	require.Equal(t, "Add note", p.Text(`[data-testid=reply-send]`))
	require.NotEqual(t, replyBg, bg(t, p), "a note is drafted on the notes' colour")
	p.Screenshot("note-mode")

	p.Do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "Checked with the carrier."),
		chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
	)
	p.Until(`!!document.querySelector("[data-testid=msg-note]")`)
	got, err := app.Conversations.Ticket(ctx, admin, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "open", got.Status, "a note never resolves")

	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=mode-reply]`)))
	p.Until(visible(`[data-testid=reply-send-resolve]`))
	require.Equal(t, replyBg, bg(t, p))
}

// press sends a key down and up as a browser does before any typing: the page's keydown handler
// decides what happens (chromedp's KeyEvent also sends the character, which a browser would not
// after the handler prevented it).
func press(key string, code int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: key, Code: key,
				WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code}); err != nil {
				return err
			}
		}
		return nil
	})
}

func bg(t *testing.T, p *Person) string {
	t.Helper()
	s, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("[data-testid=composer]")).backgroundColor`))
	require.NoError(t, err)
	return s
}

// @ in a note suggests teammates as they are typed; the chosen one is inserted as a mention the
// note's parser knows, so the teammate is notified.
func TestComposerMentionSuggestsTeammate(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	dana := app.Member(t, admin, "dana@shop.test", tenant.RoleAgent)
	app.Member(t, admin, "omar@shop.test", tenant.RoleAgent)
	tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Refund?",
		Customer: conversation.CustomerRef{Name: "Lea Roth", Email: "lea@example.com"}, Message: conversation.Inbound{Text: "Can I get a refund?"}})
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@shop.test", apptest.Password)
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+strconv.FormatInt(tk.Number, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=mode-note]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "Please look at this @"),
	)
	// Both teammates are offered, never the writer.
	p.Until(visible(`[data-testid=mention-list]`) + ` && document.querySelectorAll("[data-testid=mention-option]").length === 2`)
	p.Do(chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "da"))
	p.Until(`document.querySelectorAll("[data-testid=mention-option]").length === 1`)
	require.Contains(t, p.Text(`[data-testid=mention-option]`), "Person dana@shop.test")
	// The listbox is announced: the text area points at the active option.
	active, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`document.querySelector("[data-testid=reply-body]").getAttribute("aria-activedescendant")`))
	require.NoError(t, err)
	require.Equal(t, "mention-opt-0", active)
	role, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`document.getElementById("mention-list").getAttribute("role") + "/" + document.getElementById("mention-opt-0").getAttribute("aria-selected")`))
	require.NoError(t, err)
	require.Equal(t, "listbox/true", role)
	p.Screenshot("mention-suggested")

	// Escape closes the list without leaving the text area; typing again reopens it.
	p.Do(press("Escape", 27))
	p.Until(`!` + visible(`[data-testid=mention-list]`))
	p.Do(chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "n"))
	p.Until(visible(`[data-testid=mention-list]`))
	p.Do(press("Enter", 13))
	p.Until(`document.querySelector("[data-testid=reply-body]").value === "Please look at this @dana "`)
	p.Until(`!` + visible(`[data-testid=mention-list]`))

	p.Do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "please."),
		chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
	)
	p.Until(`!!document.querySelector("[data-testid=msg-note]")`)
	ns, err := app.Conversations.Notifications(ctx, dana)
	require.NoError(t, err)
	require.Len(t, ns, 1)
	require.Equal(t, "mention", ns[0].Kind)
	require.Equal(t, tk.Number, ns[0].Number)

	// In a reply, @ is just text.
	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=mode-reply]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "Hi @"),
	)
	time.Sleep(300 * time.Millisecond)
	p.Until(`!` + visible(`[data-testid=mention-list]`))
}

// e resolves and opens the next ticket of the list the agent came from — same view and filter,
// past a ticket another agent has open — and Shift+e resolves and stays. At the end of the list
// it goes back to the list and says so.
func TestResolveOpensNextTicket(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	app.Member(t, admin, "other@shop.test", tenant.RoleAgent)
	now := time.Now()
	numbers := map[string]int64{}
	// Oldest first, so the due-time order of the list is this order.
	for i, s := range []struct{ name, channel string }{{"e1", "email"}, {"a1", "amazon"}, {"e2", "email"}, {"e3", "email"}} {
		cust := conversation.CustomerRef{Name: "Buyer " + s.name, Email: s.name + "@example.com"}
		if s.channel == "amazon" {
			cust.Channel, cust.ExternalID = "amazon", s.name+"@marketplace.amazon.de"
		}
		tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: s.channel, Subject: "Question " + s.name, Customer: cust,
			Message: conversation.Inbound{Text: "Hello", At: now.Add(time.Duration(i-10) * time.Minute)}})
		require.NoError(t, err)
		numbers[s.name] = tk.Number
	}
	num := func(name string) string { return strconv.FormatInt(numbers[name], 10) }

	b := NewBrowser(t)
	other := b.NewPerson("other")
	signIn(other, app.URL, "other@shop.test", apptest.Password)
	other.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+num("e2")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
	)

	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@shop.test", apptest.Password)
	// The email channel's open tickets, the first one opened from the list.
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/inbox?view=open&channel=email"),
		chromedp.WaitVisible(chromedp.CSS(`[data-row]`)),
		chromedp.Click(chromedp.CSS(`[data-row] [data-row-link]`)),
	)
	p.Until(`location.pathname === "/w/shop/t/` + num("e1") + `"`)
	p.Until(`!!document.querySelector("[data-presence]") && document.querySelector("[data-testid=ticket-subject]").textContent.includes("Question e1")`)
	p.Until(`new URLSearchParams(location.search).get("channel") === "email"`)
	p.Do(chromedp.KeyEvent("e"))
	// a1 is not in the filter, e2 has another agent on it: e3 is next, in the same list.
	p.Until(`location.pathname === "/w/shop/t/` + num("e3") + `"`)
	p.Until(`new URLSearchParams(location.search).get("channel") === "email" && new URLSearchParams(location.search).get("view") === "open"`)
	require.Contains(t, p.Text(`[data-testid=flash]`), "next ticket")
	e1, err := app.Conversations.Ticket(ctx, admin, numbers["e1"])
	require.NoError(t, err)
	require.Equal(t, "resolved", e1.Status)
	p.Screenshot("next-ticket")

	// The next ticket survives a reload with its list; Shift+e resolves and stays.
	p.Do(chromedp.Reload())
	p.Until(`!!document.querySelector("[data-presence]") && location.pathname === "/w/shop/t/` + num("e3") + `"`)
	p.Do(chromedp.KeyEvent("E", chromedp.KeyModifiers(chromedp.ModifierShift)))
	p.Until(`!!document.querySelector("[data-testid=ticket-status]") && document.querySelector("[data-testid=ticket-status]").textContent.trim() === "Resolved"`)
	p.Until(`location.pathname === "/w/shop/t/` + num("e3") + `"`)

	// Typing in a field never resolves.
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+num("a1")+"?view=open&channel=email"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=reply-body]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), "e"),
	)
	time.Sleep(500 * time.Millisecond)
	a1, err := app.Conversations.Ticket(ctx, admin, numbers["a1"])
	require.NoError(t, err)
	require.Equal(t, "open", a1.Status)

	// e2 is the only email ticket left and another agent has it open: back to the list.
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+num("a1")+"?view=open&channel=email"),
		chromedp.WaitVisible(chromedp.CSS(`[data-presence]`)),
		chromedp.KeyEvent("e"),
	)
	p.Until(`location.pathname === "/w/shop/inbox" && new URLSearchParams(location.search).get("channel") === "email"`)
	require.True(t, strings.Contains(p.Text(`[data-testid=flash]`), "No other ticket"))
}

// The merge target is found by typing part of its subject or customer; choosing it fills the
// number, and the merge still asks before it runs. The merged-away ticket then links there.
func TestMergeTargetBySearch(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	cust := conversation.CustomerRef{Name: "Nora Vance", Email: "nora@example.com"}
	src, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Cracked vase", Customer: cust,
		Message: conversation.Inbound{Text: "It arrived cracked"}})
	require.NoError(t, err)
	tgt, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Vase photos", Customer: cust,
		Message: conversation.Inbound{Text: "Photos attached"}})
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@shop.test", apptest.Password)
	p.Do(
		chromedp.Navigate(app.URL+"/w/shop/t/"+strconv.FormatInt(src.Number, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=merge-search]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=merge-search]`), "photos"),
	)
	p.Until(`document.querySelectorAll("[data-testid=merge-pick]").length === 1`)
	pick := p.Text(`[data-testid=merge-pick]`)
	require.Contains(t, pick, "#"+strconv.FormatInt(tgt.Number, 10))
	require.Contains(t, pick, "Vase photos")
	require.Contains(t, pick, "Nora Vance")
	require.Contains(t, pick, "Open")
	p.Screenshot("merge-search")
	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=merge-pick]`)),
		chromedp.Evaluate[chromedp.Void](`window.asked = 0; window.confirm = () => { window.asked++; return false; }`),
	)
	p.Until(`document.querySelector("[data-testid=merge-target]").value === "` + strconv.FormatInt(tgt.Number, 10) + `"`)
	// The confirm step stays: saying no merges nothing.
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=merge-submit]`)))
	p.Until(`window.asked === 1`)
	got, err := app.Conversations.Ticket(ctx, admin, src.Number)
	require.NoError(t, err)
	require.False(t, got.MergedInto.Valid)
	p.Do(
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`[data-testid=merge-submit]`)),
	)
	p.Until(`location.pathname === "/w/shop/t/` + strconv.FormatInt(tgt.Number, 10) + `" && !!document.querySelector("[data-testid=undo-merge]")`)

	p.Do(chromedp.Navigate(app.URL + "/w/shop/t/" + strconv.FormatInt(src.Number, 10)))
	p.Until(`!!document.querySelector("[data-testid=merged-into]") && !document.querySelector("[data-testid=composer]")`)
	require.Equal(t, "Merged into #"+strconv.FormatInt(tgt.Number, 10), p.Text(`[data-testid=merged-into]`))
}
