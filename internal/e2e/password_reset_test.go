package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/i18n"
)

// acceptLanguage makes the person's browser ask for lang, as a browser set to it would.
func acceptLanguage(lang string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
		return chromedp.Void{}, err
	}
}

// Forgot password, the mail read on the development mail sink's page, a new password, sign-in.
func TestForgotPasswordThroughTheMailSink(t *testing.T) {
	app := apptest.Start(t)
	app.Workspace(t, "alpha", "admin@alpha.test")
	b := NewBrowser(t)

	p := b.NewPerson("admin")
	p.Do(
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=forgot-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=forgot-form]`)),
	)
	p.Screenshot("forgot")
	p.Do(
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@alpha.test"),
		chromedp.Click(chromedp.CSS(`[data-testid=forgot-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=forgot-sent]`)),
	)
	p.Screenshot("sent")
	require.Contains(t, p.Text(`[data-testid=forgot-sent]`), "If an account exists for that address")

	// The job puts the mail in the sink; its page lists it and the link in it is clickable.
	deadline := time.Now().Add(30 * time.Second)
	for {
		msgs, err := app.MailSink.To(context.Background(), "admin@alpha.test")
		require.NoError(t, err)
		if len(msgs) > 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "no reset mail in the sink")
		time.Sleep(100 * time.Millisecond)
	}
	// A second browser context: each has its own time budget on a busy machine.
	p = b.NewPerson("reader")
	p.Do(
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(app.URL+"/dev/mail"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=devmail-row] a`)),
	)
	p.Screenshot("devmail-list")
	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=devmail-row] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=devmail-text] a`)),
	)
	p.Screenshot("devmail-message")
	require.Equal(t, "Reset your Shopdesk password", strings.TrimSpace(p.Text(`[data-testid=devmail-subject]`)))
	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=devmail-text] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=reset-form]`)),
	)
	p.Screenshot("reset")
	p.Do(
		chromedp.SendKeys(chromedp.CSS(`#password`), "brand new password 9"),
		chromedp.SendKeys(chromedp.CSS(`#confirm_password`), "brand new password 9"),
		chromedp.Click(chromedp.CSS(`[data-testid=reset-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@alpha.test"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "brand new password 9"),
		chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=nav-inbox]`)),
	)

	// The pages in Korean and Romanian.
	for _, lang := range []string{"ko", "ro"} {
		other := b.NewPerson(lang)
		other.Do(
			acceptLanguage(lang),
			chromedp.EmulateViewport(1280, 800),
			chromedp.Navigate(app.URL+"/password/forgot"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=forgot-form]`)),
		)
		require.Equal(t, i18n.NewPrinter(lang, nil).T("reset.forgot_title"), strings.TrimSpace(other.Text(`h1`)))
		other.Screenshot("forgot")
		other.Do(
			chromedp.Navigate(app.URL+"/password/reset/no-such-link"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=reset-invalid]`)),
		)
		other.Screenshot("reset-invalid")
		other.Do(
			chromedp.Navigate(app.URL+"/dev/mail"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=devmail-list]`)),
		)
		other.Screenshot("devmail-list")
	}
}
