package label_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/savedview"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	db     *pgtest.DB
	labels *label.Service
	conv   *conversation.Service
	a, b   tenant.Scope
	agent  tenant.Scope // an agent of A
	mgr    tenant.Scope // a manager of A
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	tenants := tenant.New(db.Store, nil)
	tb := &testBundle{db: db, labels: label.New(db.Store), conv: conversation.New(db.Store, nil, nil)}
	tb.labels.UseBatch(2) // several batches per change
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
	member := func(email string, role tenant.Role) tenant.Scope {
		_, token, err := tenants.Invite(ctx, tb.a, email, role)
		require.NoError(t, err)
		sc, err := tenants.AcceptInvitationNewAccount(ctx, "alpha", token, email, "a long password", "a long password")
		require.NoError(t, err)
		return sc
	}
	tb.agent, tb.mgr = member("agent@alpha.test", tenant.RoleAgent), member("mgr@alpha.test", tenant.RoleManager)
	return tb
}

var seq int

func (tb *testBundle) ticket(t testing.TB, sc tenant.Scope, category string, tags ...string) int64 {
	t.Helper()
	seq++
	tk, err := tb.conv.CreateInbound(context.Background(), sc, conversation.NewTicket{Channel: "email", Subject: "Subject",
		Tags:     tags,
		Customer: conversation.CustomerRef{Name: "Buyer", Email: fmt.Sprintf("b%d@example.com", seq)},
		Message:  conversation.Inbound{Text: "Hello"}})
	require.NoError(t, err)
	if category != "" {
		require.NoError(t, tb.conv.SetCategory(context.Background(), sc, tk.Number, category))
	}
	return tk.Number
}

func (tb *testBundle) tags(t *testing.T, sc tenant.Scope, n int64) []string {
	t.Helper()
	tk, err := tb.conv.Ticket(context.Background(), sc, n)
	require.NoError(t, err)
	return tk.Tags
}

func (tb *testBundle) find(t *testing.T, sc tenant.Scope, kind, name string) uuid.UUID {
	t.Helper()
	ls, err := tb.labels.List(context.Background(), sc, kind)
	require.NoError(t, err)
	for _, l := range ls {
		if l.Name == name {
			return l.ID
		}
	}
	t.Fatalf("%s %q not in the catalogue: %v", kind, name, ls)
	return uuid.Nil
}

func (tb *testBundle) names(t *testing.T, sc tenant.Scope, kind string) []string {
	t.Helper()
	n, err := tb.labels.Names(context.Background(), sc, kind)
	require.NoError(t, err)
	return n
}

func (tb *testBundle) lastAudit(t *testing.T, sc tenant.Scope) string {
	t.Helper()
	var action string
	require.NoError(t, tb.db.Store.InTenantTx(context.Background(), sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.AuditList(context.Background(), dbsqlc.AuditListParams{TenantID: sc.TenantID(), MaxRows: 1})
		if err == nil && len(rows) == 1 {
			action = rows[0].Action
		}
		return err
	}))
	return action
}

func TestCatalogueFollowsTickets(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	n := tb.ticket(t, tb.a, "Shipping", "late", "vip")
	require.Equal(t, []string{"late", "vip"}, tb.names(t, tb.a, label.Tag))
	require.Equal(t, []string{"Shipping"}, tb.names(t, tb.a, label.Category))
	require.NoError(t, tb.conv.SetTags(ctx, tb.a, n, []string{"late, wrong item"}))
	require.Equal(t, []string{"late", "vip", "wrong item"}, tb.names(t, tb.a, label.Tag))
	require.Empty(t, tb.names(t, tb.b, label.Tag), "another workspace's catalogue stays empty")

	got, err := tb.labels.Suggest(ctx, tb.a, label.Tag, "i", 10)
	require.NoError(t, err)
	require.Equal(t, []string{"vip", "wrong item"}, got, "every name containing the letters")
	got, err = tb.labels.Suggest(ctx, tb.a, label.Tag, "W", 10)
	require.NoError(t, err)
	require.Equal(t, []string{"wrong item"}, got)
}

func TestRenameMovesEveryTicket(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	var all []int64
	for i := range 5 {
		if i%2 == 0 {
			all = append(all, tb.ticket(t, tb.a, "", "refund", "vip"))
		} else {
			all = append(all, tb.ticket(t, tb.a, "", "refund"))
		}
	}
	other := tb.ticket(t, tb.a, "", "vip")
	foreign := tb.ticket(t, tb.b, "", "refund")
	views := savedview.New(tb.db.Store)
	viewID, err := views.Create(ctx, tb.a, savedview.Input{Name: "Refunds", Params: url.Values{"view": {"open"}, "tag": {"refund"}}})
	require.NoError(t, err)
	theirView, err := views.Create(ctx, tb.b, savedview.Input{Name: "Refunds", Params: url.Values{"view": {"open"}, "tag": {"refund"}}})
	require.NoError(t, err)

	moved, err := tb.labels.Rename(ctx, tb.a, tb.find(t, tb.a, label.Tag, "refund"), "  Refunds ")
	require.NoError(t, err)
	require.EqualValues(t, 5, moved)
	for i, n := range all {
		if i%2 == 0 {
			require.Equal(t, []string{"refunds", "vip"}, tb.tags(t, tb.a, n))
		} else {
			require.Equal(t, []string{"refunds"}, tb.tags(t, tb.a, n))
		}
	}
	require.Equal(t, []string{"vip"}, tb.tags(t, tb.a, other))
	require.Equal(t, []string{"refunds", "vip"}, tb.names(t, tb.a, label.Tag))
	require.Equal(t, "label.renamed", tb.lastAudit(t, tb.a))
	require.Equal(t, []string{"refund"}, tb.tags(t, tb.b, foreign), "another workspace's tickets are untouched")
	require.Equal(t, []string{"refund"}, tb.names(t, tb.b, label.Tag))
	v, err := views.Get(ctx, tb.a, viewID)
	require.NoError(t, err)
	require.Equal(t, "refunds", v.Params.Get("tag"), "a saved view filtered on the tag follows it")
	v, err = views.Get(ctx, tb.b, theirView)
	require.NoError(t, err)
	require.Equal(t, "refund", v.Params.Get("tag"))

	// A name in use is a merge, not a rename.
	_, err = tb.labels.Rename(ctx, tb.a, tb.find(t, tb.a, label.Tag, "refunds"), "vip")
	require.Equal(t, validate.Errors{"name": label.KeyNameTaken}, err)
	_, err = tb.labels.Rename(ctx, tb.a, tb.find(t, tb.a, label.Tag, "refunds"), "a,b")
	require.Equal(t, validate.Errors{"name": label.KeyNameInvalid}, err)
	// Only admins.
	_, err = tb.labels.Rename(ctx, tb.mgr, tb.find(t, tb.a, label.Tag, "refunds"), "money back")
	require.ErrorIs(t, err, tenant.ErrForbidden)
}

func TestMergeMovesEveryTicketWithoutRepeats(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	onlyA := []int64{tb.ticket(t, tb.a, "", "return"), tb.ticket(t, tb.a, "", "return", "urgent"), tb.ticket(t, tb.a, "", "return")}
	both := []int64{tb.ticket(t, tb.a, "", "return", "returns"), tb.ticket(t, tb.a, "", "returns", "return", "vip")}
	onlyB := tb.ticket(t, tb.a, "", "returns")

	moved, err := tb.labels.Merge(ctx, tb.a, tb.find(t, tb.a, label.Tag, "return"), tb.find(t, tb.a, label.Tag, "returns"))
	require.NoError(t, err)
	require.EqualValues(t, 5, moved)
	require.Equal(t, []string{"returns"}, tb.tags(t, tb.a, onlyA[0]))
	require.Equal(t, []string{"returns", "urgent"}, tb.tags(t, tb.a, onlyA[1]))
	require.Equal(t, []string{"returns"}, tb.tags(t, tb.a, onlyA[2]))
	require.Equal(t, []string{"returns"}, tb.tags(t, tb.a, both[0]), "a ticket that had both keeps one")
	require.Equal(t, []string{"returns", "vip"}, tb.tags(t, tb.a, both[1]))
	require.Equal(t, []string{"returns"}, tb.tags(t, tb.a, onlyB))
	require.Equal(t, []string{"returns", "urgent", "vip"}, tb.names(t, tb.a, label.Tag))
	require.Equal(t, "label.merged", tb.lastAudit(t, tb.a))

	// Categories merge the same way.
	c1, c2 := tb.ticket(t, tb.a, "Shipping"), tb.ticket(t, tb.a, "Delivery")
	_, err = tb.labels.Merge(ctx, tb.a, tb.find(t, tb.a, label.Category, "Shipping"), tb.find(t, tb.a, label.Category, "Delivery"))
	require.NoError(t, err)
	for _, n := range []int64{c1, c2} {
		tk, err := tb.conv.Ticket(ctx, tb.a, n)
		require.NoError(t, err)
		require.Equal(t, "Delivery", tk.Category)
	}
	require.Equal(t, []string{"Delivery"}, tb.names(t, tb.a, label.Category))

	// A tag never merges into a category, nor into itself.
	_, err = tb.labels.Merge(ctx, tb.a, tb.find(t, tb.a, label.Tag, "vip"), tb.find(t, tb.a, label.Category, "Delivery"))
	require.Equal(t, validate.Errors{"into": validate.KeyUnknownID}, err)
	vip := tb.find(t, tb.a, label.Tag, "vip")
	_, err = tb.labels.Merge(ctx, tb.a, vip, vip)
	require.Equal(t, validate.Errors{"into": label.KeySameLabel}, err)
}

func TestDeleteRemovesFromTickets(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	n1, n2, n3 := tb.ticket(t, tb.a, "", "spam"), tb.ticket(t, tb.a, "", "spam", "vip"), tb.ticket(t, tb.a, "", "spam")
	id := tb.find(t, tb.a, label.Tag, "spam")
	l, count, err := tb.labels.Usage(ctx, tb.a, id)
	require.NoError(t, err)
	require.Equal(t, "spam", l.Name)
	require.EqualValues(t, 3, count)

	moved, err := tb.labels.Delete(ctx, tb.a, id)
	require.NoError(t, err)
	require.EqualValues(t, 3, moved)
	require.Empty(t, tb.tags(t, tb.a, n1))
	require.Equal(t, []string{"vip"}, tb.tags(t, tb.a, n2))
	require.Empty(t, tb.tags(t, tb.a, n3))
	require.Equal(t, []string{"vip"}, tb.names(t, tb.a, label.Tag))
	require.Equal(t, "label.deleted", tb.lastAudit(t, tb.a))

	c := tb.ticket(t, tb.a, "Old")
	_, err = tb.labels.Delete(ctx, tb.a, tb.find(t, tb.a, label.Category, "Old"))
	require.NoError(t, err)
	tk, err := tb.conv.Ticket(ctx, tb.a, c)
	require.NoError(t, err)
	require.Empty(t, tk.Category)
	require.Empty(t, tb.names(t, tb.a, label.Category))
}

func TestCreateByRole(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	n := tb.ticket(t, tb.a, "Shipping", "vip")

	// Default: everyone may add names.
	require.NoError(t, tb.conv.SetTags(ctx, tb.agent, n, []string{"vip, first"}))

	require.ErrorIs(t, tb.labels.SetCreateRole(ctx, tb.mgr, tenant.RoleAdmin), tenant.ErrForbidden)
	require.NoError(t, tb.labels.SetCreateRole(ctx, tb.a, tenant.RoleManager))
	role, err := tb.labels.CreateRole(ctx, tb.a)
	require.NoError(t, err)
	require.Equal(t, tenant.RoleManager, role)

	err = tb.conv.SetTags(ctx, tb.agent, n, []string{"vip, first, brand new"})
	require.Equal(t, validate.Errors{"tags": label.KeyCreateForbidden}, err)
	require.Equal(t, []string{"first", "vip"}, tb.tags(t, tb.a, n), "nothing written")
	require.NotContains(t, tb.names(t, tb.a, label.Tag), "brand new")
	// Known tags stay free to use, and removing is never refused.
	require.NoError(t, tb.conv.SetTags(ctx, tb.agent, n, []string{"first"}))
	require.NoError(t, tb.conv.SetTags(ctx, tb.agent, n, []string{"first, vip"}))
	err = tb.conv.Bulk(ctx, tb.agent, []int64{n}, conversation.BulkAction{Kind: conversation.BulkTag, Tag: "bulk new"})
	require.Equal(t, validate.Errors{"tag": label.KeyCreateForbidden}, err)
	err = tb.conv.SetCategory(ctx, tb.agent, n, "Invented")
	require.Equal(t, validate.Errors{"category": label.KeyCreateForbidden}, err)
	require.NoError(t, tb.conv.SetCategory(ctx, tb.agent, n, ""))
	require.NoError(t, tb.conv.SetCategory(ctx, tb.agent, n, "Shipping"))

	// A manager may; the name joins the catalogue.
	require.NoError(t, tb.conv.SetTags(ctx, tb.mgr, n, []string{"first, vip, brand new"}))
	require.Contains(t, tb.names(t, tb.a, label.Tag), "brand new")
	require.NoError(t, tb.conv.SetTags(ctx, tb.agent, n, []string{"brand new"}))

	require.NoError(t, tb.labels.SetCreateRole(ctx, tb.a, tenant.RoleAdmin))
	require.Equal(t, validate.Errors{"category": label.KeyCreateForbidden}, tb.conv.SetCategory(ctx, tb.mgr, n, "Manager's"))
	require.NoError(t, tb.conv.SetCategory(ctx, tb.a, n, "Admin's"))
	require.Contains(t, tb.names(t, tb.a, label.Category), "Admin's")
}

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	tb.ticket(t, tb.a, "", "shared-name")
	theirs := tb.ticket(t, tb.b, "Secret category", "secret", "shared-name")
	bSecret := tb.find(t, tb.b, label.Tag, "secret")
	bShared := tb.find(t, tb.b, label.Tag, "shared-name")

	got, err := tb.labels.Suggest(ctx, tb.a, label.Tag, "sec", 10)
	require.NoError(t, err)
	require.Empty(t, got, "another workspace's tags are never suggested")
	got, err = tb.labels.Suggest(ctx, tb.a, label.Category, "sec", 10)
	require.NoError(t, err)
	require.Empty(t, got)

	_, err = tb.labels.Rename(ctx, tb.a, bSecret, "mine now")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = tb.labels.Delete(ctx, tb.a, bSecret)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = tb.labels.Usage(ctx, tb.a, bSecret)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = tb.labels.Merge(ctx, tb.a, tb.find(t, tb.a, label.Tag, "shared-name"), bSecret)
	require.Equal(t, validate.Errors{"into": validate.KeyUnknownID}, err)
	_, err = tb.labels.Merge(ctx, tb.a, bShared, tb.find(t, tb.a, label.Tag, "shared-name"))
	require.ErrorIs(t, err, store.ErrNotFound)

	// A's own rename of a name B also uses leaves B's tickets alone.
	_, err = tb.labels.Rename(ctx, tb.a, tb.find(t, tb.a, label.Tag, "shared-name"), "renamed")
	require.NoError(t, err)
	require.Equal(t, []string{"secret", "shared-name"}, tb.tags(t, tb.b, theirs))
	require.Equal(t, []string{"secret", "shared-name"}, tb.names(t, tb.b, label.Tag))
}

func TestPickersFromTheWorkspacesData(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	for _, in := range []conversation.NewTicket{
		{Channel: "amazon", Marketplace: "amazon.de", Store: "Berlin store", Language: "de", Tags: []string{"vip"}},
		{Channel: "ebay", Marketplace: "ebay.com", Store: "Outlet", Language: "ko"},
	} {
		seq++
		in.Subject = "Question"
		in.Customer = conversation.CustomerRef{Name: "Buyer", Email: fmt.Sprintf("p%d@example.com", seq)}
		in.Message = conversation.Inbound{Text: "Hello"}
		_, err := tb.conv.CreateInbound(ctx, tb.a, in)
		require.NoError(t, err)
	}
	tb.ticket(t, tb.b, "Elsewhere", "theirs")

	p, err := tb.labels.Pickers(ctx, tb.a)
	require.NoError(t, err)
	require.Equal(t, []string{"amazon.de", "ebay.com"}, p.Marketplaces)
	require.Equal(t, []string{"Berlin store", "Outlet"}, p.Stores)
	require.Equal(t, []string{"de", "ko"}, p.Languages)
	require.Equal(t, []string{"vip"}, p.Tags)
	require.Empty(t, p.Categories)

	pb, err := tb.labels.Pickers(ctx, tb.b)
	require.NoError(t, err)
	require.Equal(t, []string{"theirs"}, pb.Tags)
	require.Equal(t, []string{"Elsewhere"}, pb.Categories)
	require.Empty(t, pb.Marketplaces)
}
