package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/sla"
)

// An admin gives Monday a second interval, adds two holidays and removes one, saves, and after a
// reload sees them. Then a closing time before the opening one is refused at its row while the
// country chosen for import stays chosen and its holidays stay in the list; fixed, it saves.
func TestBusinessHoursRows(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "bizh", "admin@bizh.test")
	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@bizh.test", apptest.Password)
	hours := app.URL + "/w/bizh/settings/hours"
	// A date within the coming year, so the holiday shows among the upcoming ones.
	soon := time.Now().In(time.UTC).AddDate(0, 2, 0).Format(time.DateOnly)
	p.Do(chromedp.Navigate(hours), chromedp.WaitVisible(chromedp.CSS(`[data-testid=hours-form]`)))
	p.Until(`document.querySelector('[data-testid=hours-form]').classList.contains('bh-ready')`)
	// With JavaScript the spare empty rows give way to Add buttons; a closed day says so.
	p.Until(`document.querySelectorAll('[data-testid=day-0] [data-bh-row]').length === 1`)
	require.Contains(t, p.Text(`[data-testid=day-5] .bh-closed`), "Closed")

	// Monday 09:00–12:00 and 13:00–17:00.
	p.Do(
		chromedp.SetValue(chromedp.CSS(`#day_0_end_0`), "12:00"),
		chromedp.Click(chromedp.CSS(`[data-testid=add-interval-0]`)),
	)
	p.Until(`document.querySelectorAll('[data-testid=day-0] [data-bh-row]').length === 2`)
	p.Until(`document.activeElement && document.activeElement.type === 'time'`)
	p.Do(
		chromedp.SetValue(chromedp.CSS(`[data-testid=day-0] [data-bh-row]:last-child input[name^=day_0_start_]`), "13:00"),
		chromedp.SetValue(chromedp.CSS(`[data-testid=day-0] [data-bh-row]:last-child input[name^=day_0_end_]`), "17:00"),
	)
	// Two holidays added, the second removed again.
	last := `[data-testid=holiday-rows] [data-bh-row]:last-child`
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=add-holiday]`)))
	p.Until(`document.querySelectorAll('[data-testid=holiday-rows] [data-bh-row]').length === 1`)
	p.Do(
		chromedp.SetValue(chromedp.CSS(last+` input[type=date]`), soon),
		chromedp.SendKeys(chromedp.CSS(last+` input[type=text]`), "Inventory day"),
		chromedp.Click(chromedp.CSS(`[data-testid=add-holiday]`)),
	)
	p.Until(`document.querySelectorAll('[data-testid=holiday-rows] [data-bh-row]').length === 2`)
	p.Do(
		chromedp.SetValue(chromedp.CSS(last+` input[type=date]`), time.Now().AddDate(0, 3, 0).Format(time.DateOnly)),
		chromedp.SendKeys(chromedp.CSS(last+` input[type=text]`), "Not a holiday"),
		chromedp.Click(chromedp.CSS(last+` [data-testid=remove-holiday]`)),
	)
	p.Until(`document.querySelectorAll('[data-testid=holiday-rows] [data-bh-row]').length === 1`)
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=save-hours]`)))
	p.Until(`!!document.querySelector('[data-testid=flash]')`)

	// Reloaded: both intervals and the one holiday.
	p.Do(chromedp.Navigate(hours), chromedp.WaitVisible(chromedp.CSS(`[data-testid=hours-form]`)))
	p.Until(`document.querySelector('[data-testid=hours-form]').classList.contains('bh-ready')`)
	p.Until(`[...document.querySelectorAll('[data-testid=day-0] input[type=time]')].map(i => i.value).join() === '09:00,12:00,13:00,17:00'`)
	p.Until(`[...document.querySelectorAll('[data-testid=holiday-rows] input')].map(i => i.value).join() === '` + soon + `,Inventory day'`)
	cals, err := app.Automation.Calendars(ctx, admin)
	require.NoError(t, err)
	require.Equal(t, []sla.Span{{Start: 540, End: 720}, {Start: 780, End: 1020}}, cals[0].Data.Week[0])
	require.Len(t, cals[0].Data.Holidays, 1)
	require.Equal(t, "Inventory day", cals[0].Data.Holidays[0].Name)

	// Romania's holidays chosen, and Tuesday closing before it opens: refused at the row.
	country := `.picker-input[aria-controls][id^="add_country"]`
	p.Do(
		chromedp.Click(chromedp.CSS(country)),
		chromedp.SendKeys(chromedp.CSS(country), "Romania"),
	)
	p.Until(`[...document.querySelectorAll('.picker-list:not([hidden]) [role=option]')].some(o => o.textContent.trim() === 'Romania')`)
	p.Do(
		chromedp.SendKeys(chromedp.CSS(country), kb.ArrowDown),
		chromedp.SendKeys(chromedp.CSS(country), kb.Enter),
	)
	p.Until(`document.getElementById('add_country').value === 'RO'`)
	p.Do(
		chromedp.SetValue(chromedp.CSS(`#day_1_start_0`), "17:00"),
		chromedp.SetValue(chromedp.CSS(`#day_1_end_0`), "09:00"),
		chromedp.Click(chromedp.CSS(`[data-testid=save-hours]`)),
	)
	p.Until(`!!document.getElementById('day_1_0-error')`)
	require.Contains(t, p.Text(`#day_1_0-error`), "The closing time must be after the opening time")
	p.Until(`document.getElementById('day_1_start_0').getAttribute('aria-invalid') === 'true'`)
	p.Until(`document.getElementById('add_country').value === 'RO'`)
	p.Until(`[...document.querySelectorAll('[data-testid=hours-form] input[type=date]')].some(i => i.value === '2027-12-01')`)
	p.Until(`[...document.querySelectorAll('[data-testid=holiday-rows] input[type=text]')].some(i => i.value === 'Inventory day')`)
	require.Contains(t, p.Text(`[data-testid=import-note]`), "Romania")
	shot(t, p, "refused")

	// Fixed: saved with Romania's holidays, once each.
	p.Do(
		chromedp.SetValue(chromedp.CSS(`#day_1_end_0`), "18:00"),
		chromedp.Click(chromedp.CSS(`[data-testid=save-hours]`)),
	)
	p.Until(`!!document.querySelector('[data-testid=flash]')`)
	cals, err = app.Automation.Calendars(ctx, admin)
	require.NoError(t, err)
	require.Equal(t, []sla.Span{{Start: 17 * 60, End: 18 * 60}}, cals[0].Data.Week[1])
	seen := map[string]int{}
	for _, h := range cals[0].Data.Holidays {
		seen[h.Date]++
	}
	require.Equal(t, 1, seen["2027-12-01"])
	require.Equal(t, 1, seen[soon])
	for d, n := range seen {
		require.Equal(t, 1, n, d)
	}

	// The page as people see it, when screenshots are asked for: wide and phone, in each language.
	if os.Getenv("SHOPDESK_SCREENSHOTS") == "" {
		return
	}
	for _, lang := range []string{"en", "ko", "ro"} {
		q := b.NewPerson("admin-" + lang)
		q.Do(speaks(lang))
		signIn(q, app.URL, "admin@bizh.test", apptest.Password)
		for _, w := range []int64{1440, 390} {
			q.Do(chromedp.EmulateViewport(w, 900), chromedp.Navigate(hours))
			q.Until(`document.querySelector('[data-testid=hours-form]').classList.contains('bh-ready')`)
			time.Sleep(200 * time.Millisecond)
			shot(t, q, lang+"-"+map[int64]string{1440: "1440", 390: "390"}[w])
		}
	}
}

// shot saves a whole-page screenshot under SHOPDESK_SCREENSHOTS when it is set.
func shot(t *testing.T, p *Person, label string) {
	dir := os.Getenv("SHOPDESK_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(p.Ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bizhours-"+label+".jpg"), png, 0o644))
}
