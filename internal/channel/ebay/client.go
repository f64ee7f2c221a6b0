// Package ebay is the eBay channel's client: the seller's consent and tokens (OAuth, refreshed
// once however many callers need a token), the Message API (conversations, messages, sending),
// the incremental fetch that the sync job wraps, Fulfillment's getOrder mapped to the order model,
// and the Marketplace Account Deletion endpoint's challenge and signature checks. It holds no
// database state: accounts, cursors and jobs belong to its callers.
package ebay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Endpoints are the hosts of one eBay environment.
type Endpoints struct {
	// AuthURL serves the consent page (/oauth2/authorize).
	AuthURL string
	// APIURL serves the token endpoint (/identity/v1/oauth2/token) and the REST APIs.
	APIURL string
}

var (
	// Production is eBay's live environment.
	Production = Endpoints{AuthURL: "https://auth.ebay.com", APIURL: "https://api.ebay.com"}
	// Sandbox is eBay's test environment.
	Sandbox = Endpoints{AuthURL: "https://auth.sandbox.ebay.com", APIURL: "https://api.sandbox.ebay.com"}
)

// Local is a local server (the contract tests' and the development simulator's) answering both.
func Local(baseURL string) Endpoints {
	base := strings.TrimRight(baseURL, "/")
	return Endpoints{AuthURL: base, APIURL: base}
}

// Scopes the channel asks the seller for: messages, and orders to read.
var (
	ScopeMessage          = "https://api.ebay.com/oauth/api_scope/commerce.message"
	ScopeFulfillmentRead  = "https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly"
	ScopePublic           = "https://api.ebay.com/oauth/api_scope" // application token (getPublicKey)
	DefaultConsentScopes  = []string{ScopeMessage, ScopeFulfillmentRead}
	defaultRequestTimeout = 30 * time.Second
)

// Config is the operator's eBay application.
type Config struct {
	ClientID     string // App ID
	ClientSecret string // Cert ID
	RuName       string // the redirect URL's name registered with eBay
	Endpoints    Endpoints
	// HTTPClient defaults to one with a 30 s timeout.
	HTTPClient *http.Client
	// Now defaults to time.Now; tests move it.
	Now func() time.Time
}

// Client calls eBay for the application. Calls made for a seller take that seller's Tokens.
type Client struct {
	cfg  Config
	http *http.Client
	now  func() time.Time
	app  *appTokens
}

// New checks the configuration and makes a client.
func New(cfg Config) (*Client, error) {
	var missing []string
	for name, v := range map[string]string{"client id": cfg.ClientID, "client secret": cfg.ClientSecret,
		"auth URL": cfg.Endpoints.AuthURL, "API URL": cfg.Endpoints.APIURL} {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("ebay: configuration lacks %s", strings.Join(missing, ", "))
	}
	c := &Client{cfg: cfg, http: cfg.HTTPClient, now: cfg.Now}
	if c.http == nil {
		c.http = &http.Client{Timeout: defaultRequestTimeout}
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.app = &appTokens{client: c}
	return c, nil
}

// Auth gives a call its bearer token. *Tokens (a seller's) implements it.
type Auth interface {
	AccessToken(ctx context.Context) (string, error)
	// Invalidate forgets a token the API refused, so the next AccessToken gets a new one.
	Invalidate(token string)
}

// call is one REST request.
type call struct {
	op     string
	method string
	path   string // below APIURL, e.g. "/commerce/message/v1/conversation"
	query  url.Values
	body   any
	out    any
	// want is the success status; 0 accepts any 2xx.
	want int
}

// do sends a call with the auth's token. A 401 (the token expired or was revoked early) gets one
// new token and one retry; a second 401 is permanent.
func (c *Client) do(ctx context.Context, auth Auth, cl call) error {
	for attempt := 0; ; attempt++ {
		token, err := auth.AccessToken(ctx)
		if err != nil {
			return err
		}
		status, err := c.send(ctx, token, cl)
		if status == http.StatusUnauthorized && attempt == 0 {
			auth.Invalidate(token)
			continue
		}
		return err
	}
}

func (c *Client) send(ctx context.Context, token string, cl call) (int, error) {
	u := c.cfg.Endpoints.APIURL + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return 0, fmt.Errorf("ebay: %s: encode request: %w", cl.op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return 0, fmt.Errorf("ebay: %s: %w", cl.op, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, transportError(cl.op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return resp.StatusCode, transportError(cl.op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 || cl.want != 0 && resp.StatusCode != cl.want {
		if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
			return resp.StatusCode, &Error{Kind: Permanent, Op: cl.op, Status: resp.StatusCode,
				Err: fmt.Errorf("expected HTTP %d", cl.want)}
		}
		return resp.StatusCode, responseError(cl.op, resp, data, c.now())
	}
	if cl.out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, cl.out); err != nil {
			return resp.StatusCode, &Error{Kind: Permanent, Op: cl.op, Status: resp.StatusCode,
				Err: fmt.Errorf("decode answer: %w", err)}
		}
	}
	return resp.StatusCode, nil
}

// transportError classifies a call that got no complete answer: timeouts, resets, refused
// connections and the caller's own cancellation are transient (errors.Is still finds
// context.Canceled in it). For sendMessage it means "maybe sent": see FindSent.
func transportError(op string, err error) error {
	return &Error{Kind: Transient, Op: op, Err: err}
}
