package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
)

// A lead filters the inbox with the tag picker (suggested as they type), saves the list as a
// view, and the view keeps its filters when reloaded and when opened again from the sidebar.
func TestSavedViewKeepsItsFilters(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "views", "lead@views.test")
	for _, tk := range []struct {
		subject string
		tags    []string
	}{{"Lost parcel", []string{"vip"}}, {"Broken lid", []string{"vip", "returns"}}, {"Invoice please", nil}, {"Wrong colour", []string{"returns"}}} {
		_, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: tk.subject, Tags: tk.tags,
			Customer: conversation.CustomerRef{Name: "Buyer " + tk.subject, Email: strings.ReplaceAll(strings.ToLower(tk.subject), " ", ".") + "@example.com"},
			Message:  conversation.Inbound{Text: "Hello"}})
		require.NoError(t, err)
	}
	rows := `document.querySelectorAll("[data-rows] [data-row]").length`
	subjects := `Array.from(document.querySelectorAll("[data-rows] .subject")).map(e => e.textContent).sort().join("|")`

	b := NewBrowser(t)
	p := b.NewPerson("lead")
	signIn(p, app.URL, "lead@views.test", apptest.Password)
	p.Do(chromedp.Navigate(app.URL+"/w/views/inbox"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=filters]`), chromedp.NodeReady))
	p.Until(rows + ` === 4`)

	// The tag filter suggests the workspace's tags as one types.
	p.Do(
		chromedp.Click(chromedp.CSS(`.filter-box > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=filter-tag]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=filter-tag]`), "v"),
	)
	p.Until(`!!document.querySelector('#filter-tag-suggestions option[value="vip"]')`)
	p.Until(`!document.querySelector('#filter-tag-suggestions option[value="returns"]')`)
	p.Screenshot("tag-suggested")
	p.Do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid=filter-tag]`), "ip"),
		chromedp.SetValue(chromedp.CSS(`[data-testid=filter-sort]`), "newest"),
		chromedp.Click(chromedp.CSS(`[data-testid=filter-apply]`)),
	)
	p.Until(`location.search.includes("tag=vip") && ` + rows + ` === 2`)

	// Save the filtered list as a view.
	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=view-save-open]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=view-name]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=view-name]`), "VIP buyers"),
		chromedp.Click(chromedp.CSS(`[data-testid=view-save]`)),
	)
	p.Until(`!!document.querySelector("[data-testid=list-title]") && document.querySelector("[data-testid=list-title]").textContent === "VIP buyers"`)
	require.Contains(t, p.Text(`[data-testid=saved-view-0]`), "VIP buyers")
	require.Contains(t, p.Text(`[data-testid=saved-view-0] .count`), "2")
	p.Screenshot("saved")

	// Reloaded, the view is still filtered.
	p.Do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=list-title]`)))
	p.Until(rows + ` === 2`)
	got, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](subjects))
	require.NoError(t, err)
	require.Equal(t, "Broken lid|Lost parcel", got)

	// From another view, the sidebar link opens it with its filters and sort in the URL.
	p.Do(chromedp.Navigate(app.URL+"/w/views/inbox?view=open"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=saved-view-0]`)))
	p.Until(rows + ` === 4`)
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=saved-view-0]`)))
	p.Until(`location.search.includes("saved=") && location.search.includes("tag=vip") && location.search.includes("sort=newest") && ` + rows + ` === 2`)
	got, err = chromedp.Run(p.Ctx, chromedp.Evaluate[string](subjects))
	require.NoError(t, err)
	require.Equal(t, "Broken lid|Lost parcel", got)
	current, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`document.querySelector("[data-testid=saved-view-0]").getAttribute("aria-current")`))
	require.NoError(t, err)
	require.Equal(t, "page", current)

	// The bulk bar's tag field suggests too (it shows once a row is selected and "tag" chosen).
	p.Do(chromedp.Click(chromedp.CSS(`[data-row] input[type=checkbox]`)))
	p.Do(chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("[data-testid=bulk-action]"); s.value = "tag"; s.dispatchEvent(new Event("change", { bubbles: true })); })()`))
	p.Do(chromedp.SendKeys(chromedp.CSS(`[data-testid=bulk-tag]`), "ret"))
	p.Until(`!!document.querySelector('#bulk-tag-suggestions option[value="returns"]')`)
}

// An admin renames a tag and deletes another on Settings → Tags (the delete says how many
// tickets carry it first); every ticket follows.
func TestSettingsTagsRenameAndDelete(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "tags", "admin@tags.test")
	var numbers []int64
	for i, tags := range [][]string{{"refund", "vip"}, {"refund"}, {"spam"}} {
		tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Question", Tags: tags,
			Customer: conversation.CustomerRef{Name: "Buyer", Email: "buyer" + string(rune('a'+i)) + "@example.com"},
			Message:  conversation.Inbound{Text: "Hello"}})
		require.NoError(t, err)
		numbers = append(numbers, tk.Number)
	}
	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@tags.test", apptest.Password)
	p.Do(chromedp.Navigate(app.URL+"/w/tags/settings/tags"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=labels-tag]`)))
	p.Screenshot("settings-tags")

	_, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`(() => {
		const input = document.querySelector('[data-testid="label-refund"] [data-testid=label-rename]');
		input.value = "money back";
		input.form.requestSubmit();
		return true;
	})()`))
	require.NoError(t, err)
	p.Until(`!!document.querySelector('[data-testid="label-money back"]') && !document.querySelector('[data-testid="label-refund"]')`)

	p.Do(chromedp.Click(chromedp.CSS(`[data-testid="label-spam"] [data-testid=label-delete]`)))
	p.Until(`!!document.querySelector("[data-testid=label-delete-confirm]")`)
	require.Contains(t, p.Text(`[data-testid=label-delete-confirm]`), "1 ticket")
	p.Screenshot("delete-confirm")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=label-delete-yes]`)))
	p.Until(`!document.querySelector('[data-testid="label-spam"]') && !!document.querySelector('[data-testid="label-money back"]')`)

	want := [][]string{{"money back", "vip"}, {"money back"}, {}}
	for i, n := range numbers {
		tk, err := app.Conversations.Ticket(ctx, admin, n)
		require.NoError(t, err)
		require.Equal(t, want[i], tk.Tags)
	}
}
