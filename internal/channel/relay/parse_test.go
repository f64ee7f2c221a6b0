package relay_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/relay"
	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/mailauth/mailauthtest"
)

// fixture is the part of an expect.json entry (testdata/README.md) the parser is held to.
type fixture struct {
	File                 string   `json:"file"`
	Marketplace          string   `json:"marketplace"`
	Site                 string   `json:"site"`
	Account              string   `json:"account"`
	Route                string   `json:"route"`
	Kind                 string   `json:"kind"`
	DKIM                 string   `json:"dkim"`
	DKIMDomain           string   `json:"dkim_domain"`
	Suspicious           bool     `json:"suspicious"`
	ClaimedMarketplace   string   `json:"claimed_marketplace"`
	OrderID              string   `json:"order_id"`
	PurchaseOrder        string   `json:"purchase_order"`
	ASIN                 string   `json:"asin"`
	Product              string   `json:"product"`
	BuyerName            string   `json:"buyer_name"`
	BuyerAlias           string   `json:"buyer_alias"`
	ReplyTo              string   `json:"reply_to"`
	BuyerText            string   `json:"buyer_text"`
	SellerText           string   `json:"seller_text"`
	NoticeText           string   `json:"notice_text"`
	CommMgrTok           string   `json:"comm_mgr_tok"`
	NoResponseURL        string   `json:"no_response_url"`
	Language             string   `json:"language"`
	Thread               string   `json:"thread"`
	Attachments          []string `json:"attachments"`
	FailedReplyMessageID string   `json:"failed_reply_message_id"`
	Reason               string   `json:"reason"`
	Rating               int      `json:"rating"`
	CaseID               string   `json:"case_id"`
	Urgent               bool     `json:"urgent"`
	DuplicateOf          string   `json:"duplicate_of"`
}

func fixtures(t *testing.T) []fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "expect.json"))
	require.NoError(t, err)
	var fs []fixture
	require.NoError(t, json.Unmarshal(raw, &fs))
	require.NotEmpty(t, fs)
	return fs
}

// trustFor signs a fixture as its dkim fields say (the published test key, an unpublished one, or
// none) and verifies it for real with internal/mailauth over the test keys' DNS records: spoofed
// copies fail here, not by decree.
func trustFor(t *testing.T, f fixture, raw []byte) relay.Trust {
	t.Helper()
	trust, err := ingest.Authenticator{Verifier: mailauthtest.Verifier()}.Verify(context.Background(), mailauthtest.SignAs(raw, f.DKIM, f.DKIMDomain), f.Route)
	require.NoError(t, err)
	return trust
}

// accountFor is the marketplace account a fixture arrived for: none on the IMAP route and on the
// workspace's plain address.
func accountFor(f fixture) *relay.Account {
	if f.Route != "gateway" || f.Account == "" {
		return nil
	}
	kind, _, _ := strings.Cut(f.Account, "-")
	return &relay.Account{Marketplace: kind}
}

func classify(t *testing.T, f fixture) (relay.Result, *ingest.Parsed) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", f.File))
	require.NoError(t, err)
	p, err := ingest.Parse(raw)
	require.NoError(t, err)
	return relay.Classify(p.RelayMail(), accountFor(f), trustFor(t, f, raw)), p
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestEveryFixtureParsesToItsTruth(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		t.Run(f.File, func(t *testing.T) {
			t.Parallel()
			r, p := classify(t, f)
			m := r.Message
			kind := string(m.Kind)
			if !r.Marketplace() {
				kind = "ordinary"
			}
			require.Equal(t, f.Kind, kind, "kind")
			require.Equal(t, f.Suspicious, r.Suspicious, "suspicious")
			require.Equal(t, f.ClaimedMarketplace, r.Claimed, "claimed marketplace")
			require.Equal(t, f.Marketplace, m.Marketplace, "marketplace")
			require.Equal(t, f.Site, m.Site, "site")
			require.Equal(t, f.OrderID, m.OrderID, "order")
			require.Equal(t, f.PurchaseOrder, m.PurchaseOrder, "purchase order")
			require.Equal(t, f.ASIN, m.ASIN, "asin")
			require.Equal(t, norm(f.Product), norm(m.Product), "product")
			require.Equal(t, f.BuyerName, m.BuyerName, "buyer name")
			require.Equal(t, f.BuyerAlias, m.BuyerAlias, "buyer alias")
			require.Equal(t, f.ReplyTo, m.ReplyTo, "reply to")
			require.Equal(t, norm(f.BuyerText), norm(m.BuyerText), "buyer text")
			require.Equal(t, norm(f.SellerText), norm(m.SellerText), "seller text")
			require.Equal(t, norm(f.NoticeText), norm(m.NoticeText), "notice text")
			require.Equal(t, f.CommMgrTok, m.CommMgrTok, "commMgrTok")
			require.Equal(t, f.NoResponseURL, m.NoResponseURL, "no-response link")
			require.Equal(t, strings.Trim(f.FailedReplyMessageID, "<>"), m.FailedReplyMessageID, "failed reply")
			require.Equal(t, norm(f.Reason), norm(m.Reason), "reason")
			require.Equal(t, f.Rating, m.Rating, "rating")
			require.Equal(t, f.CaseID, m.CaseID, "case")
			require.Equal(t, f.Urgent, m.Urgent, "urgent")
			if r.Marketplace() {
				require.Equal(t, f.Language, m.Language, "language")
			}
			var names []string
			for _, a := range p.Attachments {
				names = append(names, a.Name)
			}
			require.Equal(t, f.Attachments, append([]string{}, names...), "attachments")
		})
	}
}

// threadOf resolves a fixture's ticket the way the pipeline does: by the channel key (alias plus
// order, or alias plus ASIN before an order); mail without an alias joins the ticket that holds
// its order, or starts one keyed by the order.
func threadOf(m relaymail.Message, orders map[string]string) string {
	if k := m.ThreadKey(); k != "" {
		return k
	}
	if k, ok := orders[m.OrderKey()]; ok {
		return k
	}
	return m.OrderKey()
}

func TestThreadsAndDuplicates(t *testing.T) {
	t.Parallel()
	fs := fixtures(t)
	msgs := map[string]relaymail.Message{}
	orders := map[string]string{}
	for _, f := range fs {
		r, _ := classify(t, f)
		msgs[f.File] = r.Message
		if r.Marketplace() && r.Message.ThreadKey() != "" && r.Message.OrderKey() != "" {
			orders[r.Message.OrderKey()] = r.Message.ThreadKey()
		}
	}
	keyOfLabel, labelOfKey := map[string]string{}, map[string]string{}
	for _, f := range fs {
		m := msgs[f.File]
		if f.Thread == "" || f.Marketplace == "" {
			require.Empty(t, m.ThreadKey(), f.File)
			continue
		}
		k := threadOf(m, orders)
		require.NotEmpty(t, k, f.File)
		if want, ok := keyOfLabel[f.Thread]; ok {
			require.Equal(t, want, k, "%s: thread %s", f.File, f.Thread)
		}
		if l, ok := labelOfKey[k]; ok {
			require.Equal(t, l, f.Thread, "%s: key %s already holds another thread", f.File, k)
		}
		keyOfLabel[f.Thread], labelOfKey[k] = k, f.Thread
	}
	for _, f := range fs {
		m := msgs[f.File]
		if f.DuplicateOf != "" {
			require.NotEmpty(t, m.DedupeKey(), f.File)
			require.Equal(t, msgs[f.DuplicateOf].DedupeKey(), m.DedupeKey(), f.File)
			continue
		}
		for _, g := range fs {
			if g.File != f.File && g.DuplicateOf != f.File && m.DedupeKey() != "" {
				require.NotEqual(t, m.DedupeKey(), msgs[g.File].DedupeKey(), "%s and %s", f.File, g.File)
			}
		}
	}
}

// A signature that verifies for another domain does not make a mail Amazon's or Walmart's.
func TestTrustMustCoverTheSender(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		if f.Marketplace == "" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("testdata", f.File))
		require.NoError(t, err)
		p, err := ingest.Parse(raw)
		require.NoError(t, err)
		r := relay.Classify(p.RelayMail(), accountFor(f), relay.Trust{AuthenticatedDomains: []string{"example.com", "mail.amazon.com.evil.test"}})
		require.False(t, r.Marketplace(), f.File)
		require.True(t, r.Suspicious, f.File)
		require.Equal(t, f.Marketplace, r.Claimed, f.File)
	}
}
