package apicontract_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apicontract"
)

type collector struct {
	mu  sync.Mutex
	all []apicontract.Violation
}

func (c *collector) add(v apicontract.Violation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.all = append(c.all, v)
}

func (c *collector) list() []apicontract.Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]apicontract.Violation(nil), c.all...)
}

// A Swagger 2.0 description (Amazon's Orders API) is served like an OpenAPI 3 one.
func TestSwagger2(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T, answer any) (*apicontract.Running, *collector) {
		got := &collector{}
		srv := apicontract.Start(t, []string{apicontract.AmazonOrders}, apicontract.WithReport(got.add))
		srv.Handle("getOrder", func(w http.ResponseWriter, r *http.Request) {
			require.Equal(t, "113-5551234-7654321", apicontract.PathParam(r, "orderId"))
			apicontract.JSON(w, http.StatusOK, answer)
		})
		return srv, got
	}
	valid := map[string]any{"payload": map[string]any{"AmazonOrderId": "113-5551234-7654321", "PurchaseDate": "2026-11-10T10:00:00Z",
		"LastUpdateDate": "2026-11-11T10:00:00Z", "OrderStatus": "Shipped"}}

	for _, tc := range []struct {
		name, path string
		answer     any
		violation  string
	}{
		{"Valid", "/orders/v0/orders/113-5551234-7654321", valid, ""},
		{"UnknownQueryParameter", "/orders/v0/orders/113-5551234-7654321?MarketplaceIds=A1PA6795UKMFR9", valid, `unknown query parameter "MarketplaceIds"`},
		{"AnswerOutsideTheEnum", "/orders/v0/orders/113-5551234-7654321", map[string]any{"payload": map[string]any{"AmazonOrderId": "113-5551234-7654321",
			"PurchaseDate": "2026-11-10T10:00:00Z", "LastUpdateDate": "2026-11-11T10:00:00Z", "OrderStatus": "Delivered"}}, `at "/payload/OrderStatus": value is not one of the allowed values`},
		{"AnswerMissingARequiredField", "/orders/v0/orders/113-5551234-7654321", map[string]any{"payload": map[string]any{"AmazonOrderId": "113-5551234-7654321"}},
			`property "PurchaseDate" is missing`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, got := setup(t, tc.answer)
			resp, err := http.Get(srv.URL + tc.path)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			if tc.violation == "" {
				require.Empty(t, got.list())
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Equal(t, 1, srv.Calls("getOrder"))
				return
			}
			list := got.list()
			require.Len(t, list, 1)
			require.Contains(t, list[0].Reason, tc.violation)
		})
	}
}

func TestHandleUnknownOperationPanics(t *testing.T) {
	t.Parallel()
	srv := apicontract.Start(t, []string{apicontract.EbayMessage})
	require.Panics(t, func() { srv.Handle("getConversationz", func(http.ResponseWriter, *http.Request) {}) })
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T) *apicontract.Running {
		srv := apicontract.Start(t, []string{apicontract.EbayMessage})
		srv.OAuth.Register(apicontract.App{ClientID: "app", ClientSecret: "cert", RuName: "ru", AcceptURL: "https://x.test/cb"})
		return srv
	}
	post := func(t *testing.T, srv *apicontract.Running, user, pass string, form url.Values) (int, map[string]any) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+apicontract.TokenPath, strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(user, pass)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		return resp.StatusCode, body
	}
	scope := "https://api.ebay.com/oauth/api_scope/commerce.message"

	t.Run("CodeThenRefresh", func(t *testing.T) {
		t.Parallel()
		srv := setup(t)
		code := srv.OAuth.Consent("app", "seller", []string{scope})
		status, body := post(t, srv, "app", "cert", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"ru"}})
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, float64(7200), body["expires_in"])
		require.Equal(t, float64(47304000), body["refresh_token_expires_in"])
		rt := body["refresh_token"].(string)

		status, body = post(t, srv, "app", "cert", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "scope": {scope}})
		require.Equal(t, http.StatusOK, status)
		require.NotEmpty(t, body["access_token"])
		require.Nil(t, body["refresh_token"], "eBay keeps the refresh token")

		status, body = post(t, srv, "app", "cert", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
			"scope": {scope + " https://api.ebay.com/oauth/api_scope/sell.finances"}})
		require.Equal(t, http.StatusBadRequest, status)
		require.Equal(t, "invalid_scope", body["error"])
	})

	for _, tc := range []struct {
		name, user, pass string
		form             url.Values
		status           int
		error            string
	}{
		{"WrongSecret", "app", "nope", url.Values{"grant_type": {"client_credentials"}, "scope": {scope}}, http.StatusUnauthorized, "invalid_client"},
		{"UnknownRefreshToken", "app", "cert", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"v^1.1#nope"}}, http.StatusBadRequest, "invalid_grant"},
		{"RedirectNotTheRuName", "app", "cert", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {"https://x.test/cb"}}, http.StatusBadRequest, "invalid_grant"},
		{"UnsupportedGrant", "app", "cert", url.Values{"grant_type": {"password"}}, http.StatusBadRequest, "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := setup(t)
			status, body := post(t, srv, tc.user, tc.pass, tc.form)
			require.Equal(t, tc.status, status)
			require.Equal(t, tc.error, body["error"])
		})
	}
}
