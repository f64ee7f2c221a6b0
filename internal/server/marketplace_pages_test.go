package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// TestMarketplaceAccountPages: Settings → Channels offers Amazon and Walmart (not eBay, TikTok
// Shop or Etsy, which cannot be connected yet); an admin adds an account with its sites and reply
// mailbox, refused fields come back at the field, and the account page shows its forwarding
// address and "waiting" until mail arrives there, then "receiving".
func TestMarketplaceAccountPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.StartWith(t, map[string]string{"SHOPDESK_INBOUND_DOMAIN": "in.mktp.test"}, nil)
	sc := app.Workspace(t, "mktp", "admin@mktp.test")
	app.Member(t, sc, "agent@mktp.test", tenant.RoleAgent)
	mailbox, err := app.Email.Create(ctx, sc, email.Form{Name: "Support", Address: "support@mktp.test", SMTPHost: "smtp.mktp.test", SMTPPassword: "pw"})
	require.NoError(t, err)
	admin := app.SignIn(t, "admin@mktp.test")

	page := admin.Get("/w/mktp/settings/channels")
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, `data-testid="channel-amazon"`)
	require.Contains(t, page.Body, `data-testid="channel-walmart"`)
	require.NotContains(t, page.Body, `data-testid="channel-ebay"`)
	for _, kind := range []string{"ebay", "tiktok", "etsy", "nope"} {
		require.Equal(t, http.StatusNotFound, admin.Get("/w/mktp/settings/channels/"+kind).StatusCode, kind)
	}
	require.NotEqual(t, http.StatusOK, app.SignIn(t, "agent@mktp.test").Get("/w/mktp/settings/channels").StatusCode, "admins only")

	page = admin.Get("/w/mktp/settings/channels/amazon")
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, `data-testid="setup-steps"`)
	require.Contains(t, page.Body, "Seller Central")
	require.NotContains(t, page.Body, "%!", "every step is complete")
	require.Contains(t, page.Body, `value="amazon.co.jp"`)
	require.Contains(t, page.Body, "Support &lt;support@mktp.test&gt;", "mailboxes that can send are offered")

	// Nothing ticked: the form again with the reason at the sites and what was typed.
	res := admin.PostForm("/w/mktp/settings/channels/amazon", url.Values{"name": {"Amazon EU"}, "silence_hours": {"48"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `id="sites-error"`)
	require.Contains(t, res.Body, "Choose at least one site.")
	require.Contains(t, res.Body, `value="Amazon EU"`)

	res = admin.PostForm("/w/mktp/settings/channels/amazon", url.Values{"name": {"Amazon EU"}, "sites": {"amazon.de", "amazon.fr"},
		"language": {"de"}, "reply_account": {strconv.FormatInt(mailbox.ID, 10)}, "silence_hours": {"24"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	loc := res.Header.Get("Location")
	require.Regexp(t, `^/w/mktp/settings/channels/amazon/\d+$`, loc)
	page = admin.Get(loc)
	require.Equal(t, http.StatusOK, page.StatusCode)
	fwd := regexp.MustCompile(`mktp\+amazon-[a-z2-7]+@in\.mktp\.test`).FindString(page.Body)
	require.NotEmpty(t, fwd, "the forwarding address is shown")
	require.Contains(t, page.Body, `data-state="waiting"`)
	require.Contains(t, page.Body, "support@mktp.test", "where replies leave from")
	require.Contains(t, page.Body, `value="amazon.de" checked`)
	require.Contains(t, page.Body, "enter "+fwd+" under Buyer Messages", "the steps name the address")
	require.NotContains(t, page.Body, "%!")
	// Under another marketplace's path the account does not exist.
	require.Equal(t, http.StatusNotFound, admin.Get(strings.Replace(loc, "/amazon/", "/walmart/", 1)).StatusCode)

	// Mail arrives at the forwarding address: the account is receiving.
	accounts, err := app.Marketplaces.List(ctx, sc)
	require.NoError(t, err)
	require.Len(t, accounts, 1)
	_, _, err = app.Ingest.AcceptForMarketplace(ctx, sc.TenantID(), "gateway:"+fwd, accounts[0].ID,
		[]byte("From: x@example.net\r\nSubject: Test\r\nMessage-ID: <mktp-1@example.net>\r\n\r\nHello\r\n"))
	require.NoError(t, err)
	page = admin.Get(loc)
	require.Contains(t, page.Body, `data-state="ok"`)
	require.Contains(t, admin.Get("/w/mktp/settings/channels").Body, "Amazon EU")

	// Edit: a refused value comes back at its field; then a valid save.
	res = admin.PostForm(loc, url.Values{"name": {"Amazon EU"}, "sites": {"amazon.de"}, "silence_hours": {"9999"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "Enter whole hours from 1 to 720.")
	require.Contains(t, res.Body, `value="9999"`)
	res = admin.PostForm(loc, url.Values{"name": {"Amazon Europe"}, "sites": {"amazon.de", "amazon.it"}, "silence_hours": {"72"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, res.Body)
	page = admin.Get(loc)
	require.Contains(t, page.Body, "Amazon Europe")
	require.Contains(t, page.Body, `data-testid="no-reply-from"`, "no reply mailbox: the page says replies cannot leave")

	res = admin.PostForm(loc+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, http.StatusNotFound, admin.Get(loc).StatusCode)
}
