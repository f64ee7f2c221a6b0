package ebay_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apicontract"
	"github.com/shopdesk/shopdesk/internal/channel/ebay"
	"github.com/shopdesk/shopdesk/internal/channel/ebay/ebaysim"
)

const (
	appID   = "ShopDesk-helpdesk-PRD-1a2b3c4d5-6e7f8a9b"
	appCert = "PRD-1a2b3c4d5e6f-7a8b-9c0d-1e2f-3a4b"
	ruName  = "ShopDesk-ShopDesk-helpde-abcdefgh"
	seller  = "brightgoods_de"
)

// clock is the one clock of a test, shared by the client and the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type testBundle struct {
	srv    *apicontract.Running
	sim    *ebaysim.Sim
	clock  *clock
	client *ebay.Client
	tokens *ebay.Tokens
}

// newBundle starts the contract server over eBay's Message, Fulfillment and Notification
// descriptions with a simulated seller, and connects a client to it through the consent flow.
func newBundle(t *testing.T, opts ...func(*apicontract.Options)) *testBundle {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	srv := apicontract.Start(t, []string{apicontract.EbayMessage, apicontract.EbayFulfillment, apicontract.EbayNotification},
		append([]func(*apicontract.Options){apicontract.WithClock(clk.Now)}, opts...)...)
	srv.OAuth.Register(apicontract.App{ClientID: appID, ClientSecret: appCert, RuName: ruName,
		AcceptURL: "https://shopdesk.test/settings/channels/ebay/callback"})
	srv.OAuth.SetConsentUser(seller)
	sim := ebaysim.New(srv.Server, seller, clk.Now)
	client, err := ebay.New(ebay.Config{ClientID: appID, ClientSecret: appCert, RuName: ruName,
		Endpoints: ebay.Local(srv.URL), Now: clk.Now})
	require.NoError(t, err)
	code := srv.OAuth.Consent(appID, seller, ebay.DefaultConsentScopes)
	grant, err := client.Exchange(t.Context(), code, nil)
	require.NoError(t, err)
	return &testBundle{srv: srv, sim: sim, clock: clk, client: client, tokens: client.Tokens(grant)}
}
