package apicontract

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The identity endpoints, on the paths eBay uses (auth.ebay.com/oauth2/authorize and
// api.ebay.com/identity/v1/oauth2/token), so a client only swaps its hosts.
const (
	AuthorizePath = "/oauth2/authorize"
	TokenPath     = "/identity/v1/oauth2/token"
)

// App is an application registered with the identity service: its keys, its RuName (the name
// eBay gives a redirect URL) and the accept URL the RuName stands for.
type App struct {
	ClientID, ClientSecret string
	RuName                 string
	AcceptURL              string
}

// OAuth is a hand-written OAuth 2 service shaped like eBay's: the authorization-code grant with
// consent (granted at once, for the user named by ConsentUser), refresh-token and
// client-credentials grants with HTTP Basic client authentication, and invalid_grant for codes
// and refresh tokens that are unknown, used, expired or revoked.
type OAuth struct {
	now func() time.Time

	mu             sync.Mutex
	apps           map[string]App
	codes          map[string]*grant
	refresh        map[string]*grant
	access         map[string]*grant
	accessLife     time.Duration
	refreshLife    time.Duration
	consentUser    string
	refreshGrants  int
	refreshTries   int
	codeGrants     int
	refreshLatency time.Duration
}

type grant struct {
	clientID string
	subject  string
	scopes   []string
	expires  time.Time
	revoked  bool
}

func newOAuth(now func() time.Time) *OAuth {
	return &OAuth{now: now, apps: map[string]App{}, codes: map[string]*grant{},
		refresh: map[string]*grant{}, access: map[string]*grant{},
		accessLife: 2 * time.Hour, refreshLife: 47304000 * time.Second, consentUser: "seller_one"}
}

// Register adds an application.
func (o *OAuth) Register(a App) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.apps[a.ClientID] = a
}

// SetLifetimes sets how long new access and refresh tokens live (eBay: 2 hours, 18 months).
func (o *OAuth) SetLifetimes(access, refresh time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.accessLife, o.refreshLife = access, refresh
}

// SetConsentUser names the eBay user who consents on the authorize page.
func (o *OAuth) SetConsentUser(user string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.consentUser = user
}

// SetRefreshLatency makes every refresh grant take this long, so concurrent callers overlap.
func (o *OAuth) SetRefreshLatency(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refreshLatency = d
}

// RefreshGrants is how many refresh-token grants succeeded.
func (o *OAuth) RefreshGrants() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refreshGrants
}

// RefreshAttempts is how many refresh-token grants were asked for, refused ones included.
func (o *OAuth) RefreshAttempts() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refreshTries
}

// CodeGrants is how many authorization codes were exchanged.
func (o *OAuth) CodeGrants() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.codeGrants
}

// Revoke ends a user's consent: their refresh tokens answer invalid_grant and their access tokens
// stop working, as when the seller removes the app in their eBay account.
func (o *OAuth) Revoke(subject string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range []map[string]*grant{o.refresh, o.access} {
		for _, g := range m {
			if g.subject == subject {
				g.revoked = true
			}
		}
	}
}

// ExpireAccessTokens ends every access token issued so far, as if their life had passed.
func (o *OAuth) ExpireAccessTokens() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, g := range o.access {
		g.expires = o.now().Add(-time.Second)
	}
}

func (o *OAuth) lookup(token string) (*grant, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	g := o.access[token]
	if g == nil || g.revoked || !o.now().Before(g.expires) {
		return nil, false
	}
	return g, true
}

func (o *OAuth) serve(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case AuthorizePath:
		o.authorize(w, r)
	case TokenPath:
		o.token(w, r)
	default:
		return false
	}
	return true
}

// authorize is the consent page: the user agrees at once and is sent to the app's accept URL
// with the code and the caller's state, as eBay does after "I agree".
func (o *OAuth) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o.mu.Lock()
	app, ok := o.apps[q.Get("client_id")]
	user := o.consentUser
	o.mu.Unlock()
	switch {
	case r.Method != http.MethodGet:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	case !ok:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case q.Get("redirect_uri") != app.RuName:
		http.Error(w, "redirect_uri is not the application's RuName", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	case strings.TrimSpace(q.Get("scope")) == "":
		http.Error(w, "scope is required", http.StatusBadRequest)
		return
	}
	code := "v^1.1#i^1#" + randomToken()
	o.mu.Lock()
	o.codes[code] = &grant{clientID: app.ClientID, subject: user, scopes: strings.Fields(q.Get("scope")),
		expires: o.now().Add(5 * time.Minute)}
	o.mu.Unlock()
	to, err := url.Parse(app.AcceptURL)
	if err != nil || app.AcceptURL == "" {
		http.Error(w, "the application has no accept URL", http.StatusBadRequest)
		return
	}
	v := to.Query()
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	v.Set("code", code)
	v.Set("expires_in", "299")
	to.RawQuery = v.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func (o *OAuth) token(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code, desc string) { JSON(w, status, tokenError{code, desc}) }
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		fail(http.StatusBadRequest, "invalid_request", "request body must be application/x-www-form-urlencoded")
		return
	}
	id, secret, ok := r.BasicAuth()
	o.mu.Lock()
	app, known := o.apps[id]
	latency := o.refreshLatency
	o.mu.Unlock()
	if !ok || !known || secret != app.ClientSecret {
		fail(http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request", "request body is not a form")
		return
	}
	f := r.PostForm
	now := o.now()
	switch f.Get("grant_type") {
	case "authorization_code":
		if f.Get("redirect_uri") != app.RuName {
			fail(http.StatusBadRequest, "invalid_grant", "the redirect_uri does not match the RuName of the authorization request")
			return
		}
		o.mu.Lock()
		g := o.codes[f.Get("code")]
		delete(o.codes, f.Get("code")) // a code is good once
		if g == nil || g.clientID != id || !now.Before(g.expires) {
			o.mu.Unlock()
			fail(http.StatusBadRequest, "invalid_grant", "the provided authorization grant code is invalid or was issued to another client")
			return
		}
		o.codeGrants++
		access, accessLife := o.issueAccess(g.clientID, g.subject, g.scopes)
		rt := "v^1.1#i^1#r^1#" + randomToken()
		o.refresh[rt] = &grant{clientID: id, subject: g.subject, scopes: g.scopes, expires: now.Add(o.refreshLife)}
		refreshLife := o.refreshLife
		o.mu.Unlock()
		JSON(w, http.StatusOK, map[string]any{"access_token": access, "expires_in": int(accessLife.Seconds()),
			"refresh_token": rt, "refresh_token_expires_in": int(refreshLife.Seconds()), "token_type": "User Access Token"})
	case "refresh_token":
		if latency > 0 {
			time.Sleep(latency)
		}
		o.mu.Lock()
		o.refreshTries++
		g := o.refresh[f.Get("refresh_token")]
		if g == nil || g.revoked || g.clientID != id || !now.Before(g.expires) {
			o.mu.Unlock()
			fail(http.StatusBadRequest, "invalid_grant", "the provided authorization refresh token is invalid or was issued to another client")
			return
		}
		scopes := g.scopes
		if s := strings.Fields(f.Get("scope")); len(s) > 0 {
			for _, sc := range s {
				if !slices.Contains(g.scopes, sc) {
					o.mu.Unlock()
					fail(http.StatusBadRequest, "invalid_scope", "the requested scope is invalid, unknown, malformed, or exceeds the scope granted to the client")
					return
				}
			}
			scopes = s
		}
		o.refreshGrants++
		access, life := o.issueAccess(id, g.subject, scopes)
		o.mu.Unlock()
		JSON(w, http.StatusOK, map[string]any{"access_token": access, "expires_in": int(life.Seconds()), "token_type": "User Access Token"})
	case "client_credentials":
		scopes := strings.Fields(f.Get("scope"))
		if len(scopes) == 0 {
			fail(http.StatusBadRequest, "invalid_scope", "scope is required")
			return
		}
		o.mu.Lock()
		access, life := o.issueAccess(id, id, scopes)
		o.mu.Unlock()
		JSON(w, http.StatusOK, map[string]any{"access_token": access, "expires_in": int(life.Seconds()), "token_type": "Application Access Token"})
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type", "grant type in request is not supported by the authorization server")
	}
}

// issueAccess mints an access token; o.mu is held.
func (o *OAuth) issueAccess(clientID, subject string, scopes []string) (string, time.Duration) {
	tok := "v^1.1#i^1#p^3#" + randomToken()
	o.access[tok] = &grant{clientID: clientID, subject: subject, scopes: scopes, expires: o.now().Add(o.accessLife)}
	return tok, o.accessLife
}

// Consent runs the consent flow for a user without a browser and returns the code, as the
// callback would receive it.
func (o *OAuth) Consent(clientID, user string, scopes []string) string {
	code := "v^1.1#i^1#" + randomToken()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes[code] = &grant{clientID: clientID, subject: user, scopes: scopes, expires: o.now().Add(5 * time.Minute)}
	return code
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
