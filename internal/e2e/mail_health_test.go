package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/ingest"
)

// An admin sees on Settings → Mail what waits to be processed and the quarantine grouped by
// reason, and retries all messages of one reason with one click.
func TestMailHealthAndRetryAll(t *testing.T) {
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "healthshop", "admin@healthshop.test")
	for i := range 3 {
		_, _, err := app.Ingest.Accept(ctx, sc.TenantID(), "smtp", []byte(fmt.Sprintf("Subject: broken %d\r\n\r\nno sender", i)))
		require.NoError(t, err)
	}
	// Stored without a processing job, as mail lost by an old bug: it shows as waiting.
	_, _, err := ingest.New(app.DB.Store, nil, nil).Accept(ctx, sc.TenantID(), "smtp", []byte("From: a@b.example\r\nSubject: waiting\r\n\r\nhello"))
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@healthshop.test", apptest.Password)
	p.Do(chromedp.Navigate(app.URL + "/w/healthshop/settings/mail"))
	p.Until(`document.querySelectorAll('[data-testid^="quarantined-"]').length === 3 || (location.reload(), false)`)
	require.Contains(t, p.Text(`[data-testid=mail-backlog]`), "1 message is waiting to be processed (for less than a minute)")
	require.Contains(t, p.Text(`[data-testid=quarantine-reasons]`), "(3)")
	p.Screenshot("mail-health")
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=quarantine-reasons] button`)))
	p.Until(`!!document.querySelector("[data-testid=flash]")`)
	require.Contains(t, p.Text(`[data-testid=flash]`), "Every message with this reason is queued to be read again.")
	p.Screenshot("retried")
}
