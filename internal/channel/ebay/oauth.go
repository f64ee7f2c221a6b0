package ebay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ConsentURL is eBay's consent page for a seller: after they agree, eBay sends them to the URL
// registered for the RuName with ?code=…&state=…. state is the caller's (a value it can check
// on the callback, tied to the person and workspace that started the flow); it must not be empty.
func (c *Client) ConsentURL(state string, scopes []string) (string, error) {
	if strings.TrimSpace(state) == "" {
		return "", errors.New("ebay: consent URL: state is required")
	}
	if c.cfg.RuName == "" {
		return "", errors.New("ebay: consent URL: no RuName configured")
	}
	if len(scopes) == 0 {
		scopes = DefaultConsentScopes
	}
	q := url.Values{}
	q.Set("client_id", c.cfg.ClientID)
	q.Set("redirect_uri", c.cfg.RuName)
	q.Set("response_type", "code")
	q.Set("scope", strings.Join(scopes, " "))
	q.Set("state", state)
	return c.cfg.Endpoints.AuthURL + "/oauth2/authorize?" + q.Encode(), nil
}

// Grant is what a seller's consent yields: keep RefreshToken sealed with the account, and
// RefreshExpiresAt to warn the admin before the seller has to consent again.
type Grant struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	Scopes           []string
}

// RefreshExpiresWithin says whether the seller must consent again within d (the caller warns
// the admin then).
func (g Grant) RefreshExpiresWithin(now time.Time, d time.Duration) bool {
	return !g.RefreshExpiresAt.IsZero() && g.RefreshExpiresAt.Before(now.Add(d))
}

type tokenAnswer struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	TokenType             string `json:"token_type"`
	Error                 string `json:"error"`
	ErrorDescription      string `json:"error_description"`
}

// Exchange turns the code of the consent callback into a grant; scopes are those the consent
// URL asked for (nil: DefaultConsentScopes), which every refresh asks for again.
func (c *Client) Exchange(ctx context.Context, code string, scopes []string) (Grant, error) {
	if len(scopes) == 0 {
		scopes = DefaultConsentScopes
	}
	if strings.TrimSpace(code) == "" {
		return Grant{}, &Error{Kind: Permanent, Op: "code exchange", Err: errors.New("no code")}
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.cfg.RuName}}
	now := c.now()
	a, err := c.token(ctx, "code exchange", form)
	if err != nil {
		return Grant{}, err
	}
	if a.RefreshToken == "" {
		return Grant{}, &Error{Kind: Permanent, Op: "code exchange", Err: errors.New("the answer has no refresh token")}
	}
	g := Grant{AccessToken: a.AccessToken, AccessExpiresAt: now.Add(time.Duration(a.ExpiresIn) * time.Second),
		RefreshToken: a.RefreshToken, Scopes: scopes}
	if a.RefreshTokenExpiresIn > 0 {
		g.RefreshExpiresAt = now.Add(time.Duration(a.RefreshTokenExpiresIn) * time.Second)
	}
	return g, nil
}

// refresh asks for a new access token with a refresh token.
func (c *Client) refresh(ctx context.Context, refreshToken string, scopes []string) (string, time.Time, error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	now := c.now()
	a, err := c.token(ctx, "token refresh", form)
	if err != nil {
		return "", time.Time{}, err
	}
	return a.AccessToken, now.Add(time.Duration(a.ExpiresIn) * time.Second), nil
}

// token posts a grant to the token endpoint with the application's Basic credentials.
// invalid_grant is Revoked (the code or refresh token is dead: no retry helps); other 4xx are
// Permanent (a misconfigured application), 5xx and transport failures Transient.
func (c *Client) token(ctx context.Context, op string, form url.Values) (tokenAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Endpoints.APIURL+"/identity/v1/oauth2/token",
		strings.NewReader(form.Encode()))
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("ebay: %s: %w", op, err)
	}
	req.SetBasicAuth(c.cfg.ClientID, c.cfg.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return tokenAnswer{}, transportError(op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return tokenAnswer{}, transportError(op, err)
	}
	var a tokenAnswer
	_ = json.Unmarshal(data, &a)
	if resp.StatusCode != http.StatusOK {
		e := responseError(op, resp, data, c.now())
		e.OAuthError = a.Error
		if a.ErrorDescription != "" {
			e.Err = errors.New(a.ErrorDescription)
		}
		if a.Error == "invalid_grant" {
			e.Kind = Revoked
		}
		return tokenAnswer{}, e
	}
	if a.AccessToken == "" || a.ExpiresIn <= 0 {
		return tokenAnswer{}, &Error{Kind: Permanent, Op: op, Status: resp.StatusCode, Err: errors.New("the answer has no access token")}
	}
	return a, nil
}

// clientCredentials gets an application token (for getPublicKey).
func (c *Client) clientCredentials(ctx context.Context, scopes []string) (string, time.Time, error) {
	now := c.now()
	a, err := c.token(ctx, "application token", url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(scopes, " ")}})
	if err != nil {
		return "", time.Time{}, err
	}
	return a.AccessToken, now.Add(time.Duration(a.ExpiresIn) * time.Second), nil
}
