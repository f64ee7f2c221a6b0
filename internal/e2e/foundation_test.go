package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func TestMain(m *testing.M) { pgtest.Main(m, closeBrowser) }

// The foundation's whole journey: sign up a workspace, invite a person, accept the invitation in
// another browser, sign in as them, switch to Korean, sign out.
func TestSignUpInviteAcceptKoreanSignOut(t *testing.T) {
	app := apptest.Start(t)
	b := NewBrowser(t)

	owner := b.NewPerson("owner")
	owner.Do(
		chromedp.Navigate(app.URL+"/signup"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=signup-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#workspace_name`), "Seoul Sellers"),
		chromedp.SendKeys(chromedp.CSS(`#slug`), "seoul-sellers"),
		chromedp.SetValue(chromedp.CSS(`#time_zone`), "Asia/Seoul"),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Owner Kim"),
		chromedp.SendKeys(chromedp.CSS(`#email`), "owner@seoul.test"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "owner password 123"),
		chromedp.Click(chromedp.CSS(`[data-testid=signup-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=invite-create]`)),
	)
	owner.Screenshot("people")
	require.Contains(t, owner.Text(`[data-testid=nav-settings]`), "Settings")

	owner.Do(
		chromedp.SendKeys(chromedp.CSS(`[data-testid=invite-create] #email`), "lee@seoul.test"),
		chromedp.SetValue(chromedp.CSS(`[data-testid=invite-create] #role`), "agent"),
		chromedp.Click(chromedp.CSS(`[data-testid=invite-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=invite-link]`)),
	)
	link := strings.TrimSpace(owner.Text(`[data-testid=invite-link]`))
	u, err := url.Parse(link)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u.Path, "/invite/seoul-sellers/"), link)

	lee := b.NewPerson("lee")
	lee.Do(
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=invite-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Lee Agent"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "lee password 456"),
		chromedp.SendKeys(chromedp.CSS(`#confirm_password`), "lee password 456"),
		chromedp.Click(chromedp.CSS(`[data-testid=invite-accept]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=nav-inbox]`)),
	)
	// An agent's navigation has no settings.
	nodes, err := chromedp.Run(lee.Ctx, chromedp.Nodes(chromedp.CSSAll(`[data-testid=nav-settings]`), chromedp.AtLeast(0)))
	require.NoError(t, err)
	require.Empty(t, nodes)

	// The same link cannot be used twice.
	again := b.NewPerson("again")
	again.Do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`[data-testid=invite-problem]`)))

	// Sign out, then sign in again as Lee with the new password.
	lee.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=user-menu] summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid=signout]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "lee@seoul.test"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "lee password 456"),
		chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=nav-inbox]`)),
	)
	require.Equal(t, "Inbox", strings.TrimSpace(lee.Text(`[data-testid=nav-inbox]`)))

	// Switch the interface to Korean.
	lee.Do(
		chromedp.Navigate(app.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=profile-form]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid=profile-form] #language`), "ko"),
		chromedp.Click(chromedp.CSS(`[data-testid=profile-save]`)),
	)
	lee.Until(`!!document.querySelector("[data-testid=flash]")`)
	lee.Do(
		chromedp.Navigate(app.URL+"/w/seoul-sellers/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=nav-inbox]`)),
	)
	korean := i18n.NewPrinter("ko", nil).T("nav.inbox")
	require.NotEqual(t, "Inbox", korean)
	require.Equal(t, korean, strings.TrimSpace(lee.Text(`[data-testid=nav-inbox]`)))
	lang, err := chromedp.Run(lee.Ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	require.NoError(t, err)
	require.Equal(t, "ko", lang)
	lee.Screenshot("korean-inbox")

	lee.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=user-menu] summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid=signout]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
		chromedp.Navigate(app.URL+"/w/seoul-sellers/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)),
	)

	sc, err := app.Tenants.Resolve(context.Background(), "seoul-sellers", app.UserID(t, "lee@seoul.test"))
	require.NoError(t, err)
	require.Equal(t, tenant.RoleAgent, sc.Role)
}
