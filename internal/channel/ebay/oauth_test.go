package ebay_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/ebay"
)

func TestConsent(t *testing.T) {
	t.Parallel()

	t.Run("ConsentPageReturnsCodeAndState", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		u, err := b.client.ConsentURL("st-7f3a9c", nil)
		require.NoError(t, err)
		parsed, err := url.Parse(u)
		require.NoError(t, err)
		require.Equal(t, ruName, parsed.Query().Get("redirect_uri"), "eBay takes the RuName, not a URL")
		require.Equal(t, ebay.ScopeMessage+" "+ebay.ScopeFulfillmentRead, parsed.Query().Get("scope"))

		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(u)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusFound, resp.StatusCode)
		back, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, "shopdesk.test", back.Host)
		require.Equal(t, "st-7f3a9c", back.Query().Get("state"))

		g, err := b.client.Exchange(t.Context(), back.Query().Get("code"), nil)
		require.NoError(t, err)
		require.NotEmpty(t, g.AccessToken)
		require.NotEmpty(t, g.RefreshToken)
		require.Equal(t, b.clock.Now().Add(2*time.Hour), g.AccessExpiresAt)
		require.False(t, g.RefreshExpiresWithin(b.clock.Now(), 30*24*time.Hour))
		require.True(t, g.RefreshExpiresWithin(b.clock.Now().Add(530*24*time.Hour), 30*24*time.Hour),
			"18 months on, the admin is warned")

		_, err = b.client.Exchange(t.Context(), back.Query().Get("code"), nil)
		require.True(t, ebay.IsRevoked(err), "a code is good once: %v", err)
	})

	t.Run("StateRequired", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		_, err := b.client.ConsentURL(" ", nil)
		require.Error(t, err)
	})

	t.Run("WrongSecretIsPermanent", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		bad, err := ebay.New(ebay.Config{ClientID: appID, ClientSecret: "not-the-cert", RuName: ruName,
			Endpoints: ebay.Local(b.srv.URL), Now: b.clock.Now})
		require.NoError(t, err)
		_, err = bad.Exchange(t.Context(), b.srv.OAuth.Consent(appID, seller, ebay.DefaultConsentScopes), nil)
		var e *ebay.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, ebay.Permanent, e.Kind)
		require.Equal(t, "invalid_client", e.OAuthError)
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()

	list := func(t *testing.T, b *testBundle) error {
		_, err := b.client.GetConversations(t.Context(), b.tokens, ebay.ConversationQuery{Type: ebay.FromMembers})
		return err
	}

	t.Run("CachedForItsLifeLessTheMargin", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		require.NoError(t, list(t, b))
		b.clock.Add(2*time.Hour - ebay.TokenMargin - time.Second)
		require.NoError(t, list(t, b))
		require.Equal(t, 0, b.srv.OAuth.RefreshAttempts(), "the consent's token still has more than the margin")

		b.clock.Add(2 * time.Second)
		require.NoError(t, list(t, b))
		require.NoError(t, list(t, b))
		require.Equal(t, 1, b.srv.OAuth.RefreshGrants())
		require.Equal(t, b.clock.Now().Add(2*time.Hour), b.tokens.Grant().AccessExpiresAt)
	})

	t.Run("OneRefreshForConcurrentCallers", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		var stored []string
		var mu sync.Mutex
		b.tokens.OnRefresh = func(tok string, _ time.Time) { mu.Lock(); stored = append(stored, tok); mu.Unlock() }
		b.clock.Add(3 * time.Hour) // the consent's access token is dead
		b.srv.OAuth.SetRefreshLatency(150 * time.Millisecond)

		var wg sync.WaitGroup
		errs := make(chan error, 24)
		for range 24 {
			wg.Go(func() { errs <- list(t, b) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Equal(t, 1, b.srv.OAuth.RefreshAttempts(), "eBay limits refresh grants: one for all callers")
		require.Len(t, stored, 1)
		require.Equal(t, 24, b.srv.Calls("getConversations"))
	})

	t.Run("RefusedTokenRefreshedOnce", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		require.NoError(t, list(t, b))
		b.srv.OAuth.ExpireAccessTokens() // eBay ends the token before its time
		require.NoError(t, list(t, b))
		require.Equal(t, 1, b.srv.OAuth.RefreshGrants())
	})

	t.Run("ExpiredRefreshTokenIsRevokedWithoutAsking", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		b.clock.Add(548 * 24 * time.Hour)
		err := list(t, b)
		require.True(t, ebay.IsRevoked(err), "%v", err)
		require.Contains(t, err.Error(), "the refresh token expired")
		require.Equal(t, 0, b.srv.OAuth.RefreshAttempts())
	})

	t.Run("RevokedGrantIsTypedAndNotRetried", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		b.srv.OAuth.Revoke(seller) // the seller removed the app on eBay
		err := list(t, b)
		require.True(t, ebay.IsRevoked(err), "%v", err)
		require.Equal(t, ebay.Revoked, ebay.KindOf(err))
		var e *ebay.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, "invalid_grant", e.OAuthError)
		require.Equal(t, 1, b.srv.OAuth.RefreshAttempts())

		for range 3 {
			require.True(t, ebay.IsRevoked(list(t, b)))
		}
		require.Equal(t, 1, b.srv.OAuth.RefreshAttempts(), "no retries once eBay said invalid_grant")
		require.Equal(t, 0, b.srv.Calls("getConversations"))
	})
}
