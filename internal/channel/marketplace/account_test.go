package marketplace_test

import (
	"bytes"
	"context"
	"net"
	"net/smtp"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/mailauth/mailauthtest"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestAccountForm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.Start(t)
	sc := a.Workspace(t, "mkt-form", "admin@mkt-form.test")
	other := a.Workspace(t, "mkt-other", "admin@mkt-other.test")
	mailbox, err := a.Email.Create(ctx, sc, email.Form{Name: "Support", Address: "support@mkt-form.test",
		SMTPHost: "smtp.mkt-form.test", SMTPPassword: "pw"})
	require.NoError(t, err)
	noSMTP, err := a.Email.Create(ctx, sc, email.Form{Name: "Read only", Address: "ro@mkt-form.test",
		IMAPHost: "imap.mkt-form.test", IMAPPassword: "pw"})
	require.NoError(t, err)
	foreign, err := a.Email.Create(ctx, other, email.Form{Name: "Theirs", Address: "x@mkt-other.test",
		SMTPHost: "smtp.mkt-other.test", SMTPPassword: "pw"})
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		form  marketplace.Form
		field string
	}{
		{"unknown marketplace", marketplace.Form{Marketplace: "tiktok", Name: "X", Sites: []string{"amazon.de"}}, "marketplace"},
		{"no name", marketplace.Form{Marketplace: "amazon", Sites: []string{"amazon.de"}}, "name"},
		{"no site", marketplace.Form{Marketplace: "amazon", Name: "EU"}, "sites"},
		{"another marketplace's site", marketplace.Form{Marketplace: "amazon", Name: "EU", Sites: []string{"EBAY_DE"}}, "sites"},
		{"unknown language", marketplace.Form{Marketplace: "amazon", Name: "EU", Sites: []string{"amazon.de"}, Language: "xx"}, "language"},
		{"eBay replies by API", marketplace.Form{Marketplace: "ebay", Name: "Store", Sites: []string{"EBAY_US"}, ReplyAccountID: itoa(mailbox.ID)}, "reply_account"},
		{"mailbox that cannot send", marketplace.Form{Marketplace: "amazon", Name: "EU", Sites: []string{"amazon.de"}, ReplyAccountID: itoa(noSMTP.ID)}, "reply_account"},
		{"another workspace's mailbox", marketplace.Form{Marketplace: "amazon", Name: "EU", Sites: []string{"amazon.de"}, ReplyAccountID: itoa(foreign.ID)}, "reply_account"},
		{"pattern wider than a domain", marketplace.Form{Marketplace: "walmart", Name: "US", Sites: []string{"walmart.com"}, SenderPatterns: "*@*"}, "sender_patterns"},
		{"silence out of range", marketplace.Form{Marketplace: "amazon", Name: "EU", Sites: []string{"amazon.de"}, SilenceHours: "0"}, "silence_hours"},
	} {
		_, err := a.Marketplaces.Create(ctx, sc, tc.form)
		var verr validate.Errors
		require.ErrorAs(t, err, &verr, tc.name)
		require.Contains(t, verr, tc.field, tc.name)
	}

	eu, err := a.Marketplaces.Create(ctx, sc, marketplace.Form{Marketplace: "amazon", Name: "Amazon EU",
		Sites: []string{"amazon.de", "amazon.fr", "amazon.de"}, Language: "de", ReplyAccountID: itoa(mailbox.ID), SenderPatterns: "*@example.com"})
	require.NoError(t, err)
	require.Equal(t, []string{"amazon.de", "amazon.fr"}, eu.Sites)
	require.Empty(t, eu.SenderPatterns, "sender patterns are Walmart's only")
	require.Equal(t, int32(marketplace.DefaultSilenceHours), eu.SilenceAlarmHours)
	require.True(t, marketplace.IsToken(eu.ForwardToken), eu.ForwardToken)
	_, err = a.Marketplaces.Create(ctx, sc, marketplace.Form{Marketplace: "amazon", Name: "Amazon EU", Sites: []string{"amazon.it"}})
	require.Equal(t, validate.Errors{"name": "marketplace.account.name_taken"}, err)
	// The same name on another marketplace is another account.
	wm, err := a.Marketplaces.Create(ctx, sc, marketplace.Form{Marketplace: "walmart", Name: "Amazon EU", Sites: []string{"walmart.com"},
		SenderPatterns: "*@relay.walmart.com\nCare@Walmart.com"})
	require.NoError(t, err)
	require.Equal(t, []string{"*@relay.walmart.com", "care@walmart.com"}, wm.SenderPatterns)
	require.True(t, marketplace.MatchesSender(wm.SenderPatterns, "Buyer123@relay.walmart.com"))
	require.True(t, marketplace.MatchesSender(wm.SenderPatterns, "care@walmart.com"))
	require.False(t, marketplace.MatchesSender(wm.SenderPatterns, "someone@walmart.com"))
	require.False(t, marketplace.MatchesSender(wm.SenderPatterns, "x@relay.walmart.com.evil.example"))

	// An edit keeps the marketplace and the forwarding address.
	f := marketplace.FormOf(eu)
	f.Marketplace, f.Sites = "ebay", []string{"amazon.co.uk"}
	require.NoError(t, a.Marketplaces.Update(ctx, sc, eu.ID, f))
	got, err := a.Marketplaces.Get(ctx, sc, eu.ID)
	require.NoError(t, err)
	require.Equal(t, "amazon", got.Marketplace)
	require.Equal(t, eu.ForwardToken, got.ForwardToken)
	require.Equal(t, []string{"amazon.co.uk"}, got.Sites)

	// Another workspace sees none of it.
	_, err = a.Marketplaces.Get(ctx, other, eu.ID)
	require.ErrorIs(t, err, store.ErrNotFound)
	list, err := a.Marketplaces.List(ctx, other)
	require.NoError(t, err)
	require.Empty(t, list)
	require.ErrorIs(t, a.Marketplaces.Delete(ctx, other, eu.ID), store.ErrNotFound)
	require.NoError(t, a.Marketplaces.Delete(ctx, sc, eu.ID))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCredentialsSealedFlaggedAndRotated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := apptest.Start(t)
	sc := a.Workspace(t, "mkt-cred", "admin@mkt-cred.test")
	acct, err := a.Marketplaces.Create(ctx, sc, marketplace.Form{Marketplace: "ebay", Name: "Store", Sites: []string{"EBAY_US"}})
	require.NoError(t, err)
	expires := time.Now().Add(540 * 24 * time.Hour).Truncate(time.Second)
	require.NoError(t, a.Marketplaces.SetCredentials(ctx, sc, acct.ID, marketplace.Credentials{RefreshToken: "v^1.1#i^1#refresh-secret", SellerID: "store_user"}, expires))
	stored, err := a.Marketplaces.Get(ctx, sc, acct.ID)
	require.NoError(t, err)
	require.False(t, bytes.Contains(stored.Credentials, []byte("refresh-secret")), "sealed at rest")
	require.WithinDuration(t, expires, *stored.CredentialsExpireAt, time.Second)
	c, err := a.Marketplaces.OpenCredentials(stored)
	require.NoError(t, err)
	require.Equal(t, "v^1.1#i^1#refresh-secret", c.RefreshToken)

	// A revoked grant flags the account; resuming does not hide it; a new grant does.
	require.NoError(t, a.Marketplaces.FlagRevoked(ctx, sc.TenantID(), acct.ID, "invalid_grant: the provided authorization grant is invalid"))
	stored, err = a.Marketplaces.Get(ctx, sc, acct.ID)
	require.NoError(t, err)
	require.Equal(t, marketplace.StateReauth, marketplace.HealthOf(stored, time.Now()).State)
	require.Contains(t, stored.StatusReason, "invalid_grant")
	require.NoError(t, a.Marketplaces.Resume(ctx, sc, acct.ID))
	stored, err = a.Marketplaces.Get(ctx, sc, acct.ID)
	require.NoError(t, err)
	require.Equal(t, marketplace.StatusNeedsReauth, stored.Status)
	require.NoError(t, a.Marketplaces.SetCredentials(ctx, sc, acct.ID, marketplace.Credentials{RefreshToken: "new"}, expires))
	stored, err = a.Marketplaces.Get(ctx, sc, acct.ID)
	require.NoError(t, err)
	require.Equal(t, marketplace.StatusActive, stored.Status)

	// Key rotation re-seals credentials; the old key alone can no longer open them.
	newKey := bytes.Repeat([]byte{9}, 32)
	oldKey := a.Config.SecretKey
	both, err := secret.New(newKey, oldKey)
	require.NoError(t, err)
	n, err := marketplace.Rotate(ctx, a.DB.Store, both, nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, 1)
	newOnly, err := secret.New(newKey)
	require.NoError(t, err)
	stored, err = a.Marketplaces.Get(ctx, sc, acct.ID)
	require.NoError(t, err)
	require.Equal(t, newOnly.CurrentID(), secret.KeyID(stored.Credentials))
	c, err = marketplace.NewService(a.DB.Store, newOnly).OpenCredentials(stored)
	require.NoError(t, err)
	require.Equal(t, "new", c.RefreshToken)
	require.WithinDuration(t, expires, *stored.CredentialsExpireAt, time.Second, "rotation keeps the expiry")
}

func TestHealthOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	base := marketplace.Account{Status: "active", SilenceAlarmHours: 48, CreatedAt: now.Add(-72 * time.Hour)}
	for _, tc := range []struct {
		name string
		edit func(*marketplace.Account)
		want marketplace.State
	}{
		{"nothing yet", func(*marketplace.Account) {}, marketplace.StateWaiting},
		{"recent mail", func(a *marketplace.Account) { a.LastMessageAt = at(-time.Hour) }, marketplace.StateOK},
		{"silent, no order data", func(a *marketplace.Account) { a.LastMessageAt = at(-49 * time.Hour) }, marketplace.StateSilent},
		{"silent while orders come", func(a *marketplace.Account) { a.LastMessageAt, a.LastOrderAt = at(-49*time.Hour), at(-time.Hour) }, marketplace.StateSilent},
		{"quiet store, no orders either", func(a *marketplace.Account) { a.LastMessageAt, a.LastOrderAt = at(-100*time.Hour), at(-90*time.Hour) }, marketplace.StateOK},
		{"shorter alarm", func(a *marketplace.Account) { a.LastMessageAt, a.SilenceAlarmHours = at(-3*time.Hour), 2 }, marketplace.StateSilent},
		{"paused", func(a *marketplace.Account) { a.Status = "paused"; a.LastMessageAt = at(-500 * time.Hour) }, marketplace.StatePaused},
		{"revoked", func(a *marketplace.Account) { a.Status = "needs_reauth" }, marketplace.StateReauth},
		{"grant ends soon", func(a *marketplace.Account) {
			a.LastMessageAt, a.CredentialsExpireAt = at(-time.Hour), at(10*24*time.Hour)
		}, marketplace.StateExpiring},
		{"grant ends later", func(a *marketplace.Account) {
			a.LastMessageAt, a.CredentialsExpireAt = at(-time.Hour), at(30*24*time.Hour)
		}, marketplace.StateOK},
	} {
		acct := base
		tc.edit(&acct)
		require.Equal(t, tc.want, marketplace.HealthOf(acct, now).State, tc.name)
	}
}

// TestForwardingAddress: mail to an account's forwarding address is stored for that account and
// ends "waiting for the first message"; unknown or foreign tokens are refused at RCPT time.
func TestForwardingAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const domain = "in.mkt.test"
	a := apptest.StartWith(t, map[string]string{"SHOPDESK_INBOUND_DOMAIN": domain}, nil)
	sc := a.Workspace(t, "mkt-fwd", "admin@mkt-fwd.test")
	other := a.Workspace(t, "mkt-fwd2", "admin@mkt-fwd2.test")
	acct, err := a.Marketplaces.Create(ctx, sc, marketplace.Form{Marketplace: "amazon", Name: "Amazon US", Sites: []string{"amazon.com"}})
	require.NoError(t, err)
	theirs, err := a.Marketplaces.Create(ctx, other, marketplace.Form{Marketplace: "amazon", Name: "Amazon US", Sites: []string{"amazon.com"}})
	require.NoError(t, err)
	require.Equal(t, marketplace.StateWaiting, marketplace.HealthOf(acct, time.Now()).State)

	gw := (&email.Gateway{Accounts: a.Email, Ingest: a.Ingest, Tenants: a.Tenants, Domain: domain, MaxBytes: 1 << 20, Logger: a.Logger}).Server("127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = gw.Serve(ln) }()
	t.Cleanup(func() { _ = gw.Close() })
	addr := ln.Addr().String()
	for _, rcpt := range []string{
		email.GatewayAddress(sc.Workspace.Slug, "amazon-nosuchtoken", domain),
		email.GatewayAddress(sc.Workspace.Slug, theirs.ForwardToken, domain), // another workspace's account
	} {
		require.ErrorContains(t, smtp.SendMail(addr, nil, "x@example.net", []string{rcpt}, []byte("Subject: x\r\n\r\nx\r\n")), "550", rcpt)
	}

	fwd := email.GatewayAddress(sc.Workspace.Slug, acct.ForwardToken, domain)
	before := time.Now()
	msg := "From: Forwarding Test <relay@example.net>\r\nTo: " + fwd + "\r\nSubject: Test\r\nMessage-ID: <fwd-test-1@example.net>\r\nDate: Sat, 05 Dec 2026 12:00:00 +0000\r\n\r\nHello.\r\n"
	require.NoError(t, smtp.SendMail(addr, nil, "relay@example.net", []string{fwd}, []byte(msg)))
	got, err := a.Marketplaces.Get(ctx, sc, acct.ID)
	require.NoError(t, err)
	require.NotNil(t, got.LastMessageAt)
	require.WithinDuration(t, before, *got.LastMessageAt, time.Minute)
	require.Equal(t, got.FirstMessageAt, got.LastMessageAt)
	require.Equal(t, marketplace.StateOK, marketplace.HealthOf(got, time.Now()).State)
	var n int
	require.NoError(t, a.DB.Store.InTenantTx(ctx, sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT count(*) FROM inbound_messages WHERE tenant_id = $1 AND marketplace_account_id = $2 AND account_id IS NULL",
			sc.TenantID(), acct.ID).Scan(&n)
	}))
	require.Equal(t, 1, n)
	// The other workspace's account heard nothing.
	theirs, err = a.Marketplaces.Get(ctx, other, theirs.ID)
	require.NoError(t, err)
	require.Nil(t, theirs.LastMessageAt)
}

// TestTestKeysCoverEverySite: the development keys and DMARC records are published for every
// storefront an account can name, so the simulator and local trials can sign mail for each.
func TestTestKeysCoverEverySite(t *testing.T) {
	t.Parallel()
	for kind, published := range map[string][]string{"amazon": mailauthtest.AmazonDomains, "walmart": mailauthtest.WalmartDomains} {
		for _, s := range marketplace.Sites(kind) {
			require.Contains(t, published, s.ID, kind)
		}
	}
}
