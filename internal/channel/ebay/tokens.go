package ebay

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// TokenMargin is how long before its end an access token counts as expired, so a call started
// with it does not arrive after it died.
const TokenMargin = 5 * time.Minute

// refreshTimeout bounds one refresh, which runs apart from the first caller's context so that
// caller giving up does not fail the others waiting on it.
const refreshTimeout = 30 * time.Second

// Tokens holds one seller's grant and hands out access tokens: the cached one while it has more
// than TokenMargin to live, otherwise one refresh shared by every concurrent caller (eBay limits
// refresh grants per application and day). After invalid_grant it answers Revoked at once,
// without asking eBay again. Keep one Tokens per connected account and process.
type Tokens struct {
	client *Client
	// OnRefresh, when set, receives every new access token (to store it for other processes).
	OnRefresh func(token string, expiresAt time.Time)

	mu       sync.Mutex
	grant    Grant
	inflight *refreshCall
	revoked  error
}

type refreshCall struct {
	done    chan struct{}
	token   string
	expires time.Time
	err     error
}

// Tokens makes the token holder of a seller's grant (as Exchange returned it and the account
// stored it; an empty AccessToken just means the first call refreshes).
func (c *Client) Tokens(g Grant) *Tokens {
	return &Tokens{client: c, grant: g}
}

// Grant is the grant as it stands now (with the latest access token).
func (t *Tokens) Grant() Grant {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.grant
}

// AccessToken returns a token good for at least TokenMargin.
func (t *Tokens) AccessToken(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.revoked != nil {
		err := t.revoked
		t.mu.Unlock()
		return "", err
	}
	if t.grant.AccessToken != "" && t.client.now().Add(TokenMargin).Before(t.grant.AccessExpiresAt) {
		tok := t.grant.AccessToken
		t.mu.Unlock()
		return tok, nil
	}
	if exp := t.grant.RefreshExpiresAt; !exp.IsZero() && !t.client.now().Before(exp) {
		// eBay would answer invalid_grant; no need to spend a refresh grant to hear it.
		t.revoked = &Error{Kind: Revoked, Op: "token refresh", OAuthError: "invalid_grant",
			Err: fmt.Errorf("the refresh token expired at %s", exp.UTC().Format(time.RFC3339))}
		err := t.revoked
		t.mu.Unlock()
		return "", err
	}
	call := t.inflight
	if call == nil {
		call = &refreshCall{done: make(chan struct{})}
		t.inflight = call
		rt, scopes := t.grant.RefreshToken, t.grant.Scopes
		go t.refresh(context.WithoutCancel(ctx), call, rt, scopes)
	}
	t.mu.Unlock()
	select {
	case <-call.done:
		return call.token, call.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (t *Tokens) refresh(ctx context.Context, call *refreshCall, refreshToken string, scopes []string) {
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	call.token, call.expires, call.err = t.client.refresh(ctx, refreshToken, scopes)
	t.mu.Lock()
	t.inflight = nil
	if call.err == nil {
		t.grant.AccessToken, t.grant.AccessExpiresAt = call.token, call.expires
	} else if IsRevoked(call.err) {
		t.revoked = call.err
	}
	onRefresh := t.OnRefresh
	t.mu.Unlock()
	close(call.done)
	if call.err == nil && onRefresh != nil {
		onRefresh(call.token, call.expires)
	}
}

// Invalidate forgets token if it is still the cached one (the API refused it before its time).
func (t *Tokens) Invalidate(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.grant.AccessToken == token {
		t.grant.AccessToken = ""
		t.grant.AccessExpiresAt = time.Time{}
	}
}

// appTokens caches the application token (client credentials) used for getPublicKey.
type appTokens struct {
	client *Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

func (a *appTokens) AccessToken(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.client.now().Add(TokenMargin).Before(a.expires) {
		return a.token, nil
	}
	tok, exp, err := a.client.clientCredentials(ctx, []string{ScopePublic})
	if err != nil {
		return "", err
	}
	a.token, a.expires = tok, exp
	return tok, nil
}

func (a *appTokens) Invalidate(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == token {
		a.token = ""
	}
}
