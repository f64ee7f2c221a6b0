package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// The inbox list at desktop widths and on a phone: rows that can be read (the whole buyer name,
// the useful part of a marketplace subject, the order), the bulk bar only with a selection and only
// the chosen action's control, matched words marked in search, the narrow views rail remembered,
// and at 390 px nothing wider than the screen, the views in a menu and a way back from a ticket.
func TestInboxListReadableAndPhone(t *testing.T) {
	app := apptest.Start(t)
	app.Connect("email")
	ctx := context.Background()
	admin := app.Workspace(t, "shop", "admin@shop.test")
	agent := app.Member(t, admin, "agent@shop.test", tenant.RoleAgent)
	create := func(subject, name, email, text string) conversation.Ticket {
		t.Helper()
		tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: subject,
			Customer: conversation.CustomerRef{Name: name, Email: email}, Message: conversation.Inbound{Text: text}})
		require.NoError(t, err)
		return tk
	}
	amazon := create("Inquiry from Amazon customer Olivia Martinez-Whitfield (Order: 112-4567890-1234567)",
		"Olivia Martinez-Whitfield", "olivia@marketplace.amazon.com", "Hello, the kettle arrived with a cracked lid. Can you send a new one?")
	create("Wrong colour", "Ion Popescu", "ion@example.ro", "Am comandat roșu și a venit albastru.")
	create("배송 문의", "김민수", "kim@example.kr", "주문이 아직 도착하지 않았어요.")
	b := NewBrowser(t)
	p := b.NewPerson("agent")
	signIn(p, app.URL, "agent@shop.test", apptest.Password)

	style := func(sel, prop string) string {
		t.Helper()
		v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`(() => { const e = document.querySelector(`+jsString(sel)+`); return e ? getComputedStyle(e).`+prop+` : "missing"; })()`))
		require.NoError(t, err)
		return v
	}
	eval := func(expr string) bool {
		t.Helper()
		v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](expr))
		require.NoError(t, err)
		return v
	}
	row := `[data-testid=row-` + i64s(amazon.Number) + `]`
	// overflowing names the elements that stick out past the viewport's right edge.
	overflowing := func() string {
		v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > innerWidth + 1 && e.getClientRects().length && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1)).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") + " right=" + Math.round(e.getBoundingClientRect().right)).join(", ")`))
		require.NoError(t, err)
		return v
	}

	// 1440 px: the whole name, the buyer's question in place of the wrapper subject, the order.
	p.Do(chromedp.EmulateViewport(1440, 900), chromedp.Navigate(app.URL+"/w/shop/inbox?view=open"), chromedp.WaitVisible(chromedp.CSS(row)))
	p.Until(`document.readyState === "complete"`)
	require.Equal(t, "Olivia Martinez-Whitfield", p.Text(row+` [data-testid=row-who]`))
	require.True(t, eval(`(() => { const e = document.querySelector("`+row+` [data-testid=row-who]"); return e.scrollWidth <= e.clientWidth; })()`), "the name is not cut")
	require.Contains(t, p.Text(row+` [data-testid=row-subject]`), "the kettle arrived with a cracked lid")
	require.Contains(t, p.Text(row+` [data-testid=row-order]`), "112-4567890-1234567")
	require.NotContains(t, p.Text(row), "Inquiry from Amazon customer")
	require.True(t, eval(`document.querySelector("`+row+`").getBoundingClientRect().height <= 57`), "a row is at most ~56 px tall")
	p.Screenshot("list-1440")

	// The bulk bar: hidden until a row is selected, then only the chosen action's control.
	require.Equal(t, "none", style(`[data-testid=bulk-bar]`, "display"))
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=select-` + i64s(amazon.Number) + `]`)))
	p.Until(`getComputedStyle(document.querySelector("[data-testid=bulk-bar]")).display !== "none"`)
	require.Equal(t, "1", p.Text(`[data-testid=bulk-count]`))
	for _, c := range []string{"assign", "status", "tag", "apply"} {
		require.Equal(t, "none", style(`[data-bulk-control=`+c+`]`, "display"), "no control before an action is chosen: "+c)
	}
	p.Do(chromedp.SetValue(chromedp.CSS(`[data-testid=bulk-action]`), "status"))
	p.Until(`getComputedStyle(document.querySelector("[data-bulk-control=status]")).display !== "none"`)
	require.Equal(t, "none", style(`[data-bulk-control=assign]`, "display"))
	require.Equal(t, "none", style(`[data-bulk-control=tag]`, "display"))
	require.NotEqual(t, "none", style(`[data-bulk-control=apply]`, "display"))
	p.Screenshot("bulk-status")
	p.Do(
		chromedp.SetValue(chromedp.CSS(`[data-testid=bulk-status]`), "pending"),
		chromedp.Click(chromedp.CSS(`[data-testid=bulk-apply]`)),
	)
	p.Until(`!!document.querySelector("[data-testid=flash]")`)
	got, err := app.Conversations.Ticket(ctx, agent, amazon.Number)
	require.NoError(t, err)
	require.Equal(t, "pending", got.Status)

	// Search marks the matched words in the message that matched.
	p.Do(chromedp.Navigate(app.URL+"/w/shop/search?q=kettle"), chromedp.WaitVisible(chromedp.CSS(row)))
	require.Equal(t, "kettle", p.Text(row+` [data-testid=row-snippet] mark`))
	p.Screenshot("search")

	// The views rail: narrowed, remembered on the next page, counts still shown.
	p.Do(chromedp.Navigate(app.URL+"/w/shop/inbox?view=open"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=rail-toggle]`)))
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=rail-toggle]`)))
	p.Until(`document.querySelector("[data-inbox]").classList.contains("inbox-rail")`)
	p.Do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(row)))
	require.True(t, eval(`document.querySelector("[data-inbox]").classList.contains("inbox-rail")`), "the rail is remembered")
	require.True(t, eval(`document.querySelector("[data-testid=view-open]").getBoundingClientRect().width < 70`))
	require.NotEqual(t, "none", style(`[data-testid=view-open] .count`, "display"))
	require.Equal(t, "Olivia Martinez-Whitfield", p.Text(row+` [data-testid=row-who]`))
	p.Screenshot("rail-1440")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=rail-toggle]`)))
	p.Until(`!document.querySelector("[data-inbox]").classList.contains("inbox-rail")`)

	// 1280 px: still the whole name.
	p.Do(chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+"/w/shop/t/"+i64s(amazon.Number)+"?view=pending"), chromedp.WaitVisible(chromedp.CSS(row)))
	require.True(t, eval(`(() => { const e = document.querySelector("`+row+` [data-testid=row-who]"); return e.scrollWidth <= e.clientWidth; })()`), "the name is not cut at 1280 px")
	p.Screenshot("ticket-1280")

	// 390 px: the list takes the width, the views open from a menu, nothing overflows.
	p.Do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(app.URL+"/w/shop/inbox?view=open"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=views-menu]`)))
	p.Until(`document.readyState === "complete"`)
	require.True(t, eval(`document.documentElement.scrollWidth <= 390`), "the inbox fits 390 px; sticking out: %s", overflowing())
	require.True(t, eval(`document.querySelector(".ticket-list").getBoundingClientRect().width >= 380`), "the list takes the width")
	require.Equal(t, "none", style(`#inbox-views`, "display"))
	p.Screenshot("inbox-390")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=views-menu]`)))
	p.Until(`getComputedStyle(document.getElementById("inbox-views")).display !== "none"`)
	require.True(t, eval(`document.querySelector("[data-testid=views-menu]").getAttribute("aria-expanded") === "true"`))
	p.Screenshot("views-menu-390")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=view-pending]`)))
	p.Until(`location.search.includes("view=pending") && !!document.querySelector("` + row + `")`)

	// The ticket at 390 px: a way back, then the thread, the composer, then the details.
	p.Do(chromedp.Click(chromedp.CSS(row + ` [data-row-link]`)))
	p.Until(`!!document.querySelector("[data-testid=back-to-list]") && document.readyState === "complete"`)
	require.True(t, eval(`document.documentElement.scrollWidth <= 390`), "the ticket fits 390 px")
	require.True(t, eval(`(() => {
		const top = s => document.querySelector(s).getBoundingClientRect().top;
		return top("[data-testid=back-to-list]") < top("[data-testid=thread]") && top("[data-testid=thread]") < top("[data-testid=composer]") &&
			top("[data-testid=composer]") < top(".ticket-side");
	})()`), "back, thread, composer, then the details")
	require.Equal(t, "none", style(`.ticket-list`, "display"), "the list and the ticket take turns")
	p.Screenshot("ticket-390")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=back-to-list]`)))
	p.Until(`location.pathname.endsWith("/inbox") && location.search.includes("view=pending")`)
}

func i64s(n int64) string { return strconv.FormatInt(n, 10) }

// jsString quotes s as a JavaScript string literal.
// jsString quotes a Go string as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
