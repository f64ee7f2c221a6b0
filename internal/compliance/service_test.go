package compliance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type anySender struct{}

func (anySender) Send(context.Context, conversation.Outgoing) (conversation.Sent, error) {
	return conversation.Sent{}, nil
}
func (anySender) Ready(context.Context, *dbsqlc.Queries, conversation.Ticket) error { return nil }

type testBundle struct {
	db    *pgtest.DB
	svc   *compliance.Service
	conv  *conversation.Service
	a, b  tenant.Scope
	agent tenant.Scope
	// ticket is an Amazon ticket of A about order 302-4418211-7765932.
	ticket conversation.Ticket
	order  conversation.Order
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	tenants := tenant.New(db.Store, nil)
	tb := &testBundle{db: db, svc: compliance.New(db.Store), conv: conversation.New(db.Store, nil, nil)}
	senders := conversation.NewSenders()
	senders.Register("amazon", anySender{})
	senders.Register("email", anySender{})
	tb.conv.UseSenders(senders)
	mk := func(slug string) tenant.Scope {
		ws, uid, err := tenants.SignUp(ctx, tenant.SignUpInput{
			Workspace: tenant.WorkspaceInput{Name: slug, Slug: slug, TimeZone: "UTC", Language: "en"},
			Name:      "Admin " + slug, Email: "admin@" + slug + ".test", Password: "a long password",
		}, uuid.Nil, []string{"en"})
		require.NoError(t, err)
		sc, err := tenants.Resolve(ctx, ws.Slug, uid)
		require.NoError(t, err)
		return sc
	}
	tb.a, tb.b = mk("alpha"), mk("bravo")
	_, token, err := tenants.Invite(ctx, tb.a, "agent@alpha.test", tenant.RoleAgent)
	require.NoError(t, err)
	tb.agent, err = tenants.AcceptInvitationNewAccount(ctx, "alpha", token, "Agent", "a long password", "a long password")
	require.NoError(t, err)
	tb.ticket, err = tb.conv.CreateInbound(ctx, tb.a, conversation.NewTicket{Channel: "amazon", Marketplace: "amazon.de",
		Subject: "Inquiry from Amazon customer Laura (Order: 302-4418211-7765932)", Language: "en",
		Customer: conversation.CustomerRef{Name: "Laura", Channel: "amazon", ExternalID: "knsrqr1h8bkp9yh@marketplace.amazon.de"},
		Message:  conversation.Inbound{Text: "Where is my parcel?", At: time.Now()}})
	require.NoError(t, err)
	tb.order, err = tb.conv.UpsertOrder(ctx, tb.a, conversation.OrderInput{Marketplace: "amazon.de", Number: "302-4418211-7765932",
		CustomerID: tb.ticket.CustomerID, Status: "shipped", AmountMinor: 2495, Currency: "eur", OrderedAt: time.Now().Add(-72 * time.Hour)})
	require.NoError(t, err)
	require.NoError(t, tb.conv.LinkOrder(ctx, tb.a, tb.ticket.Number, "302-4418211-7765932", "amazon.de"))
	return tb
}

func ruleIDs(res compliance.Result) []string {
	out := []string{}
	for _, f := range res.Findings {
		out = append(out, f.RuleID)
	}
	return out
}

func TestLedger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("RecordedOncePerMessageAndOnlyInItsWorkspace", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		in := compliance.RequestInput{OrderID: tb.order.ID, Kind: compliance.RequestReview, Channel: "amazon", Source: compliance.SourceMarketplace}
		require.NoError(t, tb.svc.Record(ctx, tb.a, in))
		rows, err := tb.svc.Ledger(ctx, tb.a, tb.order.ID)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Equal(t, "marketplace", rows[0].Source)
		rows, err = tb.svc.Ledger(ctx, tb.b, tb.order.ID)
		require.NoError(t, err)
		require.Empty(t, rows)
		// Another workspace cannot write into this order's ledger (its order is not theirs).
		require.Error(t, tb.svc.Record(ctx, tb.b, in))

		bad := in
		bad.Kind, bad.Source = "coupon", "robot"
		err = tb.svc.Record(ctx, tb.a, bad)
		require.Equal(t, validate.Errors{"kind": "compliance.request_kind_invalid", "source": "compliance.request_source_invalid"}, err)
	})

	t.Run("ASecondReviewRequestIsRefused", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		seen := time.Now().Add(time.Hour)
		draft := "Glad it arrived! If you like the set, could you leave a review on Amazon?"
		res, err := tb.svc.CheckTicket(ctx, tb.a, tb.ticket.Number, compliance.Draft{Text: draft})
		require.NoError(t, err)
		require.Empty(t, res.Findings)
		require.True(t, res.Request)

		// The first one goes out and lands in the ledger with its message.
		m, err := tb.conv.Reply(ctx, tb.a, tb.ticket.Number, conversation.ReplyInput{Body: draft, SeenLastMessageAt: &seen})
		require.NoError(t, err)
		rows, err := tb.svc.Ledger(ctx, tb.a, tb.order.ID)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Equal(t, "review", rows[0].Kind)
		require.Equal(t, "manual", rows[0].Source)
		require.Equal(t, m.ID, rows[0].MessageID.Int64)

		res, err = tb.svc.CheckTicket(ctx, tb.a, tb.ticket.Number, compliance.Draft{Text: draft})
		require.NoError(t, err)
		require.Equal(t, []string{"amazon.review_request_repeat"}, ruleIDs(res))
		_, err = tb.conv.Reply(ctx, tb.a, tb.ticket.Number, conversation.ReplyInput{Body: draft, SeenLastMessageAt: &seen})
		refusal, ok := err.(*compliance.Refusal)
		require.True(t, ok, "%v", err)
		require.True(t, refusal.Result.Blocked())
		rows, err = tb.svc.Ledger(ctx, tb.a, tb.order.ID)
		require.NoError(t, err)
		require.Len(t, rows, 1)
	})

	t.Run("AnOptedOutBuyerGetsNoRequest", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		require.NoError(t, tb.svc.OptOut(ctx, tb.a, tb.ticket.CustomerID, time.Now(), "commMgrTok:AF9E104T7W2Q2"))
		require.NoError(t, tb.svc.OptOut(ctx, tb.a, tb.ticket.CustomerID, time.Now(), "a later notice"))
		at, notice, err := tb.svc.OptedOut(ctx, tb.a, tb.ticket.CustomerID)
		require.NoError(t, err)
		require.NotNil(t, at)
		require.Equal(t, "commMgrTok:AF9E104T7W2Q2", notice)
		res, err := tb.svc.CheckTicket(ctx, tb.a, tb.ticket.Number, compliance.Draft{Text: "Could you leave a review?"})
		require.NoError(t, err)
		require.Equal(t, []string{"amazon.review_request_opted_out"}, ruleIDs(res))
	})
}

func TestSendIsRefusedWithTheDraftUnwritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tb := setup(t)
	seen := time.Now().Add(time.Hour)
	_, err := tb.conv.Reply(ctx, tb.a, tb.ticket.Number, conversation.ReplyInput{Body: "Order 302-4418211-7765932 ships today, details on https://myshop-example.com or call +49 30 1234567", SeenLastMessageAt: &seen})
	refusal, ok := err.(*compliance.Refusal)
	require.True(t, ok, "%v", err)
	require.Equal(t, []string{"amazon.link", "amazon.phone"}, ruleIDs(refusal.Result))
	d, err := tb.conv.Detail(ctx, tb.a, tb.ticket.Number)
	require.NoError(t, err)
	require.Len(t, d.Messages, 1)

	// A note is for the team: nothing is checked.
	_, err = tb.conv.Reply(ctx, tb.a, tb.ticket.Number, conversation.ReplyInput{Body: "Customer wants https://myshop-example.com, +49 30 1234567", Note: true})
	require.NoError(t, err)
	// A clean reply goes.
	_, err = tb.conv.Reply(ctx, tb.a, tb.ticket.Number, conversation.ReplyInput{Body: "Your order 302-4418211-7765932 ships today with DHL: https://www.dhl.de/track?piececode=1234567890", SeenLastMessageAt: &seen})
	require.NoError(t, err)
}

func TestAllowList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tb := setup(t)
	draft := compliance.Draft{Text: "The manual: https://help.brand-example.com/lamp.pdf"}
	res, err := tb.svc.CheckTicket(ctx, tb.a, tb.ticket.Number, draft)
	require.NoError(t, err)
	require.Equal(t, []string{"amazon.link"}, ruleIDs(res))

	_, err = tb.svc.AllowDomain(ctx, tb.agent, "brand-example.com")
	require.ErrorIs(t, err, tenant.ErrForbidden)
	_, err = tb.svc.AllowDomain(ctx, tb.a, "not a domain")
	require.Equal(t, validate.Errors{"domain": "compliance.domain_invalid"}, err)
	d, err := tb.svc.AllowDomain(ctx, tb.a, " https://www.Brand-Example.com/help ")
	require.NoError(t, err)
	require.Equal(t, "brand-example.com", d)
	_, err = tb.svc.AllowDomain(ctx, tb.a, "brand-example.com")
	require.NoError(t, err)

	res, err = tb.svc.CheckTicket(ctx, tb.a, tb.ticket.Number, draft)
	require.NoError(t, err)
	require.Empty(t, res.Findings)
	list, err := tb.svc.AllowedDomains(ctx, tb.b)
	require.NoError(t, err)
	require.Empty(t, list)

	list, err = tb.svc.AllowedDomains(ctx, tb.a)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.ErrorIs(t, tb.svc.RemoveDomain(ctx, tb.agent, list[0].ID), tenant.ErrForbidden)
	require.NoError(t, tb.svc.RemoveDomain(ctx, tb.a, list[0].ID))
	res, err = tb.svc.CheckTicket(ctx, tb.a, tb.ticket.Number, draft)
	require.NoError(t, err)
	require.Equal(t, []string{"amazon.link"}, ruleIDs(res))

	var actions []string
	require.NoError(t, tb.db.Store.InTenantTx(ctx, tb.a.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.AuditList(ctx, dbsqlc.AuditListParams{TenantID: tb.a.TenantID(), MaxRows: 50})
		for _, r := range rows {
			if strings.HasPrefix(r.Action, "compliance.") {
				actions = append(actions, r.Action+" "+string(r.Detail))
			}
		}
		return err
	}))
	require.Equal(t, []string{`compliance.domain_removed {"domain": "brand-example.com"}`, `compliance.domain_allowed {"domain": "brand-example.com"}`}, actions)
}

func TestEmailTicketsAreNotChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tb := setup(t)
	tk, err := tb.conv.CreateInbound(ctx, tb.a, conversation.NewTicket{Channel: "email", Subject: "Hi",
		Customer: conversation.CustomerRef{Name: "Ann", Email: "ann@example.com"}, Message: conversation.Inbound{Text: "Hello", At: time.Now()}})
	require.NoError(t, err)
	res, err := tb.svc.CheckTicket(ctx, tb.a, tk.Number, compliance.Draft{Text: "Call +49 30 1234567 or see https://myshop-example.com"})
	require.NoError(t, err)
	require.Empty(t, res.Findings)
	require.Zero(t, res.MaxLength)
}
