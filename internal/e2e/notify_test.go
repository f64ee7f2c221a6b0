package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// The bell counts a mention live: A mentions B in a note; B's bell goes up without a reload; the
// panel lists the mention with a link to the ticket; "mark all read" zeroes the count.
func TestBellCountsAMentionLive(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "bells", "admin@bells.test")
	app.Member(t, admin, "bee@bells.test", tenant.RoleAgent)
	for i, subj := range []string{"Where is my parcel?", "Wrong colour"} {
		_, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: subj,
			Customer: conversation.CustomerRef{Name: "Buyer " + string(rune('A'+i)), Email: "buyer" + string(rune('a'+i)) + "@example.com"},
			Message:  conversation.Inbound{Text: "Hello, " + subj}})
		require.NoError(t, err)
	}
	b := NewBrowser(t)
	pa, pb := b.NewPerson("admin"), b.NewPerson("bee")
	signIn(pa, app.URL, "admin@bells.test", apptest.Password)
	signIn(pb, app.URL, "bee@bells.test", apptest.Password)

	// Bee waits in the inbox with nothing new; a marker tells whether the page reloads.
	pb.Do(chromedp.Navigate(app.URL+"/w/bells/inbox"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=bell-button]`)))
	require.True(t, hidden(t, pb), "no count while there is nothing unread")
	pb.Do(chromedp.Evaluate[chromedp.Void](`window.__stay = true`))

	note := func(number, text string) {
		pa.Do(
			chromedp.Navigate(app.URL+"/w/bells/t/"+number),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)),
			chromedp.Click(chromedp.CSS(`[data-testid=mode-note]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-testid=reply-body]`), text),
			chromedp.Click(chromedp.CSS(`[data-testid=reply-send]`)),
		)
		pa.Until(`document.getElementById("thread") && document.getElementById("thread").textContent.includes(` + quote(text) + `)`)
	}
	note("1", "@bee could you check the carrier?")
	pb.Until(`document.querySelector("[data-testid=bell-count]").textContent.trim() === "1" && !document.querySelector("[data-testid=bell-count]").hidden`)
	pb.Until(`window.__stay === true`)
	pb.Screenshot("bell-one")

	// The panel lists it, unread, linking to the ticket through "open".
	pb.Do(chromedp.Click(chromedp.CSS(`[data-testid=bell-button]`)))
	pb.Until(`document.querySelectorAll("[data-bell-panel] [data-testid=notification]").length === 1`)
	text := pb.Text(`[data-bell-panel] [data-testid=notification]`)
	require.Contains(t, text, "Admin of bells mentioned you on #1: Where is my parcel?")
	href, err := chromedp.Run(pb.Ctx, chromedp.Evaluate[string](`document.querySelector("[data-bell-panel] [data-testid=notification] a").getAttribute("href")`))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(href, "/w/bells/notifications/") && strings.HasSuffix(href, "/open"), href)
	pb.Screenshot("bell-panel")

	// A second mention arrives while the panel is open: count and panel follow.
	note("2", "@bee and this one, please")
	pb.Until(`document.querySelector("[data-testid=bell-count]").textContent.trim() === "2"`)
	pb.Until(`document.querySelectorAll("[data-bell-panel] [data-testid=notification]").length === 2`)

	// "Mark all read" zeroes the count, still without a reload.
	pb.Do(chromedp.Click(chromedp.CSS(`[data-bell-panel] [data-testid=mark-all-read]`)))
	pb.Until(`document.querySelector("[data-testid=bell-count]").hidden`)
	pb.Until(`window.__stay === true`)
	pb.Until(`document.querySelectorAll("[data-bell-panel] .notify-item.unread").length === 0`)
	pb.Screenshot("bell-read")

	// The full list links to the ticket.
	pb.Do(chromedp.Navigate(app.URL+"/w/bells/notifications"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=notification-list]`)))
	pb.Do(chromedp.Click(chromedp.CSS(`.notifications-page [data-testid=notification] a`)))
	pb.Until(`location.pathname === "/w/bells/t/2"`)

	// The account page: a searchable time-zone picker and the way to this workspace's own settings,
	// which lead back to its inbox.
	pb.Do(chromedp.Navigate(app.URL+"/account"), chromedp.WaitReady(chromedp.CSS(`select[data-picker][name=time_zone]`)))
	pb.Screenshot("account")
	pb.Do(chromedp.Click(chromedp.CSS(`[data-testid=member-settings-bells]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=signatures]`)))
	pb.Screenshot("member-settings")
	pb.Do(chromedp.Click(chromedp.CSS(`[data-testid=back-to-inbox]`)))
	pb.Until(`location.pathname === "/w/bells/inbox"`)
}

func hidden(t *testing.T, p *Person) bool {
	t.Helper()
	h, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`document.querySelector("[data-testid=bell-count]").hidden`))
	require.NoError(t, err)
	return h
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
