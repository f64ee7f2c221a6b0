package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/mailauth/mailauthtest"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// relayFixture is the part of an entry of the relay corpus (internal/channel/relay/testdata,
// README.md there) the pipeline is held to.
type relayFixture struct {
	File        string   `json:"file"`
	Marketplace string   `json:"marketplace"`
	Site        string   `json:"site"`
	Account     string   `json:"account"`
	Route       string   `json:"route"`
	Kind        string   `json:"kind"`
	DKIM        string   `json:"dkim"`
	DKIMDomain  string   `json:"dkim_domain"`
	Suspicious  bool     `json:"suspicious"`
	OrderID     string   `json:"order_id"`
	ASIN        string   `json:"asin"`
	BuyerAlias  string   `json:"buyer_alias"`
	ReplyTo     string   `json:"reply_to"`
	BuyerText   string   `json:"buyer_text"`
	SellerText  string   `json:"seller_text"`
	NoticeText  string   `json:"notice_text"`
	Reason      string   `json:"reason"`
	Thread      string   `json:"thread"`
	Attachments []string `json:"attachments"`
	Urgent      bool     `json:"urgent"`
	DuplicateOf string   `json:"duplicate_of"`
	unsigned    []byte   // as in testdata
	raw         []byte   // as delivered: signed as the fixture says
}

const relayCorpus = "../channel/relay/testdata"

func relayFixtures(t *testing.T) []relayFixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(relayCorpus, "expect.json"))
	require.NoError(t, err)
	var fs []relayFixture
	require.NoError(t, json.Unmarshal(b, &fs))
	for i := range fs {
		fs[i].unsigned, err = os.ReadFile(filepath.Join(relayCorpus, fs[i].File))
		require.NoError(t, err)
		fs[i].raw = signed(fs[i])
	}
	// In the order the mail was written, so a copy of a reply comes after the message it answers,
	// and a second copy of a mail after the first.
	sort.SliceStable(fs, func(i, j int) bool {
		di, dj := dateOf(t, fs[i].raw), dateOf(t, fs[j].raw)
		if di.Equal(dj) {
			return fs[i].DuplicateOf == "" && fs[j].DuplicateOf != ""
		}
		return di.Before(dj)
	})
	return fs
}

func dateOf(t *testing.T, raw []byte) time.Time {
	t.Helper()
	p, err := Parse(raw)
	require.NoError(t, err)
	return p.Date
}

// signed is a fixture's mail as its expect.json dkim fields say it was sent: signed for its
// dkim_domain with the test key the overrides publish, signed with an unpublished key, or not at
// all. The pipeline verifies it for real (internal/mailauth over the test keys' DNS records).
func signed(f relayFixture) []byte { return mailauthtest.SignAs(f.unsigned, f.DKIM, f.DKIMDomain) }

type relayPipeline struct {
	*pipeline
	accounts map[string]marketplace.Account
	fixtures []relayFixture
}

func (p *relayPipeline) fixture(t *testing.T, file string) relayFixture {
	t.Helper()
	for _, f := range p.fixtures {
		if f.File == file {
			return f
		}
	}
	t.Fatalf("no fixture %s", file)
	return relayFixture{}
}

// variant is a fixture with its bytes changed (as if Amazon had sent another such mail), under
// the fixture's own authentication verdict.
func (p *relayPipeline) variant(f relayFixture, replace ...string) relayFixture {
	f.unsigned = []byte(strings.NewReplacer(replace...).Replace(string(f.unsigned)))
	f.raw = signed(f)
	return f
}

// newRelayPipeline is the pipeline with the corpus's marketplace accounts: Amazon US, CA, EU and
// JP, Walmart US and CA.
func newRelayPipeline(t *testing.T) *relayPipeline {
	t.Helper()
	p := newPipeline(t)
	fs := relayFixtures(t)
	p.svc.UseVerifier(Authenticator{Verifier: mailauthtest.Verifier()})
	accounts := map[string]marketplace.Account{}
	svc := marketplace.NewService(p.st, nil)
	for name, f := range map[string]marketplace.Form{
		"amazon-us":  {Marketplace: "amazon", Name: "Acme US", Sites: []string{"amazon.com"}, Language: "en", SilenceHours: "48"},
		"amazon-ca":  {Marketplace: "amazon", Name: "Acme CA", Sites: []string{"amazon.ca"}, Language: "en", SilenceHours: "48"},
		"amazon-eu":  {Marketplace: "amazon", Name: "Acme EU", Sites: []string{"amazon.de", "amazon.fr", "amazon.it", "amazon.es", "amazon.pl", "amazon.co.uk"}, Language: "de", SilenceHours: "48"},
		"amazon-jp":  {Marketplace: "amazon", Name: "Acme JP", Sites: []string{"amazon.co.jp"}, Language: "ja", SilenceHours: "48"},
		"walmart-us": {Marketplace: "walmart", Name: "Acme Walmart", Sites: []string{"walmart.com"}, Language: "en", SilenceHours: "48"},
		"walmart-ca": {Marketplace: "walmart", Name: "Acme Walmart CA", Sites: []string{"walmart.ca"}, Language: "en", SilenceHours: "48"},
	} {
		a, err := svc.Create(context.Background(), p.sc, f)
		require.NoError(t, err, name)
		accounts[name] = a
	}
	return &relayPipeline{pipeline: p, accounts: accounts, fixtures: fs}
}

// deliver accepts a fixture by its route (the account's forwarding address, the workspace's
// plain address, or a connected mailbox) and processes it.
func (p *relayPipeline) deliver(t *testing.T, f relayFixture, raw []byte) Outcome {
	t.Helper()
	ctx := context.Background()
	var (
		id  int64
		err error
	)
	if a, ok := p.accounts[f.Account]; ok && f.Route == "gateway" {
		id, _, err = p.svc.AcceptForMarketplace(ctx, p.sc.TenantID(), "gateway", a.ID, raw)
	} else {
		id, _, err = p.svc.Accept(ctx, p.sc.TenantID(), f.Route, raw)
	}
	require.NoError(t, err)
	out, err := p.svc.Process(ctx, p.sc.TenantID(), id)
	require.NoError(t, err)
	return out
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRelayMailBecomesMarketplaceTickets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newRelayPipeline(t)
	ticketOf := map[string]int64{} // thread label -> ticket id
	labelOf := map[int64]string{}
	outs := map[string]Outcome{}
	for _, f := range p.fixtures {
		out := p.deliver(t, f, f.raw)
		outs[f.File] = out
		if f.DuplicateOf != "" {
			require.Equal(t, "duplicate", out.State, "%s: the same relay mail by another route is one message", f.File)
			continue
		}
		require.Equal(t, "processed", out.State, "%s: %s", f.File, out.Reason)
		require.NotZero(t, out.TicketID, f.File)
		tk, err := p.conv.TicketByID(ctx, p.sc, out.TicketID)
		require.NoError(t, err)
		d, err := p.conv.Detail(ctx, p.sc, tk.Number)
		require.NoError(t, err)

		if f.Marketplace == "" {
			require.Equal(t, "email", tk.Channel, f.File)
			require.Equal(t, f.Suspicious, slices.Contains(tk.Tags, "suspicious"), "%s: tags %v", f.File, tk.Tags)
			for label, id := range ticketOf {
				require.NotEqual(t, id, tk.ID, "%s landed on thread %s", f.File, label)
			}
			continue
		}
		require.Equal(t, f.Marketplace, tk.Channel, f.File)
		require.Equal(t, f.Site, tk.Marketplace, f.File)
		require.Equal(t, p.accounts[f.Account].Name, tk.Store, f.File)
		if id, ok := ticketOf[f.Thread]; ok {
			require.Equal(t, id, tk.ID, "%s: thread %s", f.File, f.Thread)
		} else {
			require.NotContains(t, labelOf, tk.ID, "%s: thread %s joined %s", f.File, f.Thread, labelOf[tk.ID])
			ticketOf[f.Thread], labelOf[tk.ID] = tk.ID, f.Thread
		}
		want := map[string]string{"seller_copy": f.SellerText, "care_escalation": f.NoticeText, "complaint": f.NoticeText}[f.Kind]
		if want == "" {
			want = f.BuyerText
		}
		if want == "" {
			want = f.Reason
		}
		var found *conversation.Message
		for i, m := range d.Messages {
			if squash(m.BodyText) == squash(want) {
				found = &d.Messages[i]
			}
		}
		require.NotNil(t, found, "%s: the ticket holds the mail's own words %q", f.File, want)
		switch f.Kind {
		case "seller_copy":
			require.Equal(t, "outbound", found.Kind, f.File)
			require.Equal(t, "sent", found.DeliveryState, f.File)
		case "buyer_message", "presale_question", "care_escalation", "complaint":
			require.Equal(t, "inbound", found.Kind, f.File)
			require.False(t, found.Automated, f.File)
			if f.ReplyTo != "" {
				require.Equal(t, f.ReplyTo, found.FromAddress, "%s: replies go to the exact relay address", f.File)
			}
		default:
			require.True(t, found.Automated, "%s: a notice is never answered automatically", f.File)
		}
		if f.BuyerAlias != "" && f.Kind != "delivery_failure" && f.Kind != "opt_out" {
			require.Contains(t, d.Identities, dbsqlc.CustomerIdentity{TenantID: p.sc.TenantID(), Channel: f.Marketplace,
				ExternalID: f.BuyerAlias, CustomerID: d.Customer.ID, Display: d.Identities[0].Display, CreatedAt: d.Identities[0].CreatedAt},
				"%s: the customer is keyed on the alias", f.File)
		}
		if f.Kind == "presale_question" {
			require.True(t, tk.Presale, f.File)
		}
		if f.Urgent {
			require.Equal(t, int16(0), tk.Priority, "%s: complaints are urgent", f.File)
		}
		if f.OrderID != "" && f.Kind != "seller_copy" {
			require.NotEmpty(t, d.Orders, f.File)
			require.Equal(t, f.OrderID, d.Orders[0].Number, f.File)
			require.True(t, d.Orders[0].Linked, f.File)
			if f.ASIN != "" {
				require.NotEmpty(t, d.Orders[0].Lines, f.File)
				require.Equal(t, f.ASIN, d.Orders[0].Lines[0].ItemID, f.File)
			}
		}
		for _, tag := range map[string][]string{"atoz_claim": {"atoz-claim"}, "return_request": {"return-request"}, "feedback": {"feedback"}, "complaint": {"complaint"}, "care_escalation": {"care-escalation"}}[f.Kind] {
			require.Contains(t, tk.Tags, tag, f.File)
		}
	}
	require.Len(t, ticketOf, 25)
}

// Amazon's delivery failure naming one of our replies fails that reply through the late-bounce
// path, with Amazon's reason; the notice itself is no message of the ticket.
func TestAmazonDeliveryFailureFailsTheReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newRelayPipeline(t)
	senders := conversation.NewSenders()
	senders.Register("amazon", accepting{})
	p.conv.UseSenders(senders)
	out := p.deliver(t, p.fixture(t, "amazon-com-old-text-en.eml"), p.fixture(t, "amazon-com-old-text-en.eml").raw)
	tk, err := p.conv.TicketByID(ctx, p.sc, out.TicketID)
	require.NoError(t, err)
	reply, err := p.conv.Reply(ctx, p.sc, tk.Number, conversation.ReplyInput{Body: "It ships today.", SeenLastMessageAt: &tk.LastMessageAt})
	require.NoError(t, err)
	require.NoError(t, p.conv.Deliver(ctx, senders, p.sc.TenantID(), reply.ID))
	d, err := p.conv.Detail(ctx, p.sc, tk.Number)
	require.NoError(t, err)
	sent := d.Messages[len(d.Messages)-1]
	require.Equal(t, "sent", sent.DeliveryState)

	failure := p.fixture(t, "amazon-com-delivery-failure.eml")
	failure = p.variant(failure, "hd.7k2m9q.0b6c2f4e-1d3a-4c5b-9e8f-7a6b5c4d3e2f@acme.shopdesk.localhost", sent.ChannelMessageID)
	res := p.deliver(t, failure, failure.raw)
	require.Equal(t, "processed", res.State)
	require.Equal(t, tk.ID, res.TicketID)
	d, err = p.conv.Detail(ctx, p.sc, tk.Number)
	require.NoError(t, err)
	require.Len(t, d.Messages, 2, "the notice is no message of the ticket")
	require.Equal(t, "failed", d.Messages[1].DeliveryState)
	require.Equal(t, "returned after sending: "+failure.Reason, d.Messages[1].DeliveryError)
}

// A pre-sale question threads by alias and ASIN only while its ticket is open; a question about
// the same item after it was resolved opens a new ticket.
func TestPresaleThreadsWhileOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newRelayPipeline(t)
	first := p.fixture(t, "amazon-com-presale-old-text.eml")
	out1 := p.deliver(t, first, first.raw)
	second := p.fixture(t, "amazon-com-presale-new-followup.eml")
	out2 := p.deliver(t, second, second.raw)
	require.Equal(t, out1.TicketID, out2.TicketID)
	tk, err := p.conv.TicketByID(ctx, p.sc, out1.TicketID)
	require.NoError(t, err)
	require.NoError(t, p.conv.SetStatus(ctx, p.sc, tk.Number, "resolved", nil))
	third := p.variant(second, "ABPE51T7WF6RA", "ABPE51T7WF6RB", "Message-ID: <", "Message-ID: <again.")
	out3 := p.deliver(t, third, third.raw)
	require.Equal(t, "processed", out3.State)
	require.NotEqual(t, out1.TicketID, out3.TicketID)
	// The next question joins the new ticket.
	fourth := p.variant(second, "ABPE51T7WF6RA", "ABPE51T7WF6RC", "Message-ID: <", "Message-ID: <later.")
	require.Equal(t, out3.TicketID, p.deliver(t, fourth, fourth.raw).TicketID)
	// An order's thread outlives resolving: the buyer's next message reopens it.
	msg := p.fixture(t, "amazon-com-old-text-en.eml")
	o1 := p.deliver(t, msg, msg.raw)
	tk, err = p.conv.TicketByID(ctx, p.sc, o1.TicketID)
	require.NoError(t, err)
	require.NoError(t, p.conv.SetStatus(ctx, p.sc, tk.Number, "resolved", nil))
	follow := p.fixture(t, "amazon-com-old-html-en-followup.eml")
	require.Equal(t, o1.TicketID, p.deliver(t, follow, follow.raw).TicketID)
}

// An Amazon mail that does not authenticate for Amazon never reaches the buyer's thread, even
// with the buyer's real alias and order: it is ordinary mail, flagged.
func TestUnauthenticatedCopyStaysApart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newRelayPipeline(t)
	real := p.fixture(t, "amazon-com-old-text-en.eml")
	o := p.deliver(t, real, real.raw)
	fake := real
	fake.raw = []byte(strings.Replace(string(real.raw), "AVPR0TFAEWTRL", "AVPR0TFAEWTRX", -1)) // not signed
	f := p.deliver(t, fake, fake.raw)
	require.Equal(t, "processed", f.State)
	require.NotEqual(t, o.TicketID, f.TicketID)
	tk, err := p.conv.TicketByID(ctx, p.sc, f.TicketID)
	require.NoError(t, err)
	require.Equal(t, "email", tk.Channel)
	require.Contains(t, tk.Tags, "suspicious")
}

// recording accepts replies like accepting and keeps their recipients.
type recording struct {
	accepting
	to chan []string
}

func (r recording) Send(ctx context.Context, out conversation.Outgoing) (conversation.Sent, error) {
	r.to <- out.To
	return r.accepting.Send(ctx, out)
}

// A reply goes to the exact relay address of the buyer's newest message, +suffix included, while
// the customer stays keyed on the alias without it.
func TestReplyGoesToTheExactAlias(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newRelayPipeline(t)
	rec := recording{to: make(chan []string, 1)}
	senders := conversation.NewSenders()
	senders.Register("amazon", rec)
	p.conv.UseSenders(senders)
	first, follow := p.fixture(t, "amazon-com-old-text-en.eml"), p.fixture(t, "amazon-com-old-html-en-followup.eml")
	p.deliver(t, first, first.raw)
	out := p.deliver(t, follow, follow.raw)
	tk, err := p.conv.TicketByID(ctx, p.sc, out.TicketID)
	require.NoError(t, err)
	reply, err := p.conv.Reply(ctx, p.sc, tk.Number, conversation.ReplyInput{Body: "Thanks, we are on it.", SeenLastMessageAt: &tk.LastMessageAt})
	require.NoError(t, err)
	require.NoError(t, p.conv.Deliver(ctx, senders, p.sc.TenantID(), reply.ID))
	require.Equal(t, []string{follow.ReplyTo}, <-rec.to)
	d, err := p.conv.Detail(ctx, p.sc, tk.Number)
	require.NoError(t, err)
	require.Len(t, d.Identities, 1)
	require.Equal(t, follow.BuyerAlias, d.Identities[0].ExternalID)
}
