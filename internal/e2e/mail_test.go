package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/mailtest"
)

// An admin connects a real mailbox (Dovecot) in the browser: a wrong port comes back with its
// field message, then the account is added and "Test connection" shows both servers' answers.
func TestAdminConnectsAMailbox(t *testing.T) {
	mt := mailtest.Start(t)
	app := apptest.StartWith(t, nil, func(a *apptest.App) { a.Email.RootCAs = mt.RootCAs })
	app.Workspace(t, "mailshop", "admin@mailshop.test")
	box := mt.Mailbox(t)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@mailshop.test", apptest.Password)
	p.Do(
		chromedp.Navigate(app.URL+"/w/mailshop/settings/mail"),
		chromedp.Click(chromedp.CSS(`[data-testid=add-account]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=account-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Main store"),
		chromedp.SendKeys(chromedp.CSS(`#address`), box),
		chromedp.SendKeys(chromedp.CSS(`#imap_host`), "127.0.0.1"),
		chromedp.SetValue(chromedp.CSS(`#imap_port`), "70000"),
		chromedp.SendKeys(chromedp.CSS(`#imap_password`), mailtest.Password),
		chromedp.SendKeys(chromedp.CSS(`#smtp_host`), "127.0.0.1"),
		chromedp.SetValue(chromedp.CSS(`#smtp_port`), strconv.Itoa(mt.SMTPPort)),
		chromedp.SetValue(chromedp.CSS(`#smtp_tls`), "none"),
		chromedp.Click(chromedp.CSS(`[data-testid=account-form] button[type=submit]`)),
	)
	p.Until(`document.querySelector('#imap_port-error')`)
	require.Contains(t, p.Text(`#imap_port-error`), "1 to 65535")
	t.Logf("screenshot: %s", p.Screenshot("form"))
	p.Do(
		chromedp.SetValue(chromedp.CSS(`#imap_port`), strconv.Itoa(mt.IMAPSPort)),
		chromedp.SendKeys(chromedp.CSS(`#imap_password`), mailtest.Password),
		chromedp.Click(chromedp.CSS(`[data-testid=account-form] button[type=submit]`)),
	)
	p.Until(`document.querySelector('[data-testid=account-health]')`)
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=test-connection]`)))
	p.Until(`document.querySelector('[data-testid=connection-test]')`)
	result := p.Text(`[data-testid=connection-test]`)
	require.Contains(t, result, "logged in to 127.0.0.1:"+strconv.Itoa(mt.IMAPSPort)+" as "+box)
	require.Contains(t, result, "INBOX: 0 messages")
	require.Contains(t, result, "connected to 127.0.0.1:"+strconv.Itoa(mt.SMTPPort)+" and logged in as "+box)
	t.Logf("screenshot: %s", p.Screenshot("account"))
}
