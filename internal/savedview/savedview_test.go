package savedview_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/savedview"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	views                  *savedview.Service
	admin, mgr, agent, ag2 tenant.Scope
	other                  tenant.Scope // another workspace's admin
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	tenants := tenant.New(db.Store, nil)
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
	tb := &testBundle{views: savedview.New(db.Store), admin: mk("alpha"), other: mk("bravo")}
	member := func(email string, role tenant.Role) tenant.Scope {
		_, token, err := tenants.Invite(ctx, tb.admin, email, role)
		require.NoError(t, err)
		sc, err := tenants.AcceptInvitationNewAccount(ctx, "alpha", token, email, "a long password", "a long password")
		require.NoError(t, err)
		return sc
	}
	tb.mgr, tb.agent, tb.ag2 = member("mgr@alpha.test", tenant.RoleManager), member("agent@alpha.test", tenant.RoleAgent), member("two@alpha.test", tenant.RoleAgent)
	return tb
}

func names(t *testing.T, tb *testBundle, sc tenant.Scope) []string {
	t.Helper()
	vs, err := tb.views.Visible(context.Background(), sc)
	require.NoError(t, err)
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

func params(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func TestCreateUpdateDelete(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	id, err := tb.views.Create(ctx, tb.agent, savedview.Input{Name: "  My VIPs ", Params: params("view", "open", "tag", "vip", "sort", "newest")})
	require.NoError(t, err)
	v, err := tb.views.Get(ctx, tb.agent, id)
	require.NoError(t, err)
	require.Equal(t, "My VIPs", v.Name)
	require.Equal(t, "vip", v.Params.Get("tag"))
	require.Equal(t, "newest", v.Params.Get("sort"))
	require.True(t, v.Editable)
	require.False(t, v.Shared)

	require.NoError(t, tb.views.Update(ctx, tb.agent, id, savedview.Input{Name: "VIP on Amazon", Params: params("view", "open", "tag", "vip", "channel", "amazon")}))
	v, err = tb.views.Get(ctx, tb.agent, id)
	require.NoError(t, err)
	require.Equal(t, "VIP on Amazon", v.Name)
	require.Equal(t, "amazon", v.Params.Get("channel"))
	require.Empty(t, v.Params.Get("sort"))

	_, err = tb.views.Create(ctx, tb.agent, savedview.Input{Name: " ", Params: params("view", "open")})
	require.Equal(t, validate.Errors{"name": savedview.KeyNameRequired}, err)

	require.NoError(t, tb.views.Delete(ctx, tb.agent, id))
	_, err = tb.views.Get(ctx, tb.agent, id)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.Empty(t, names(t, tb, tb.agent))
}

func TestPersonalAndSharedVisibility(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	mine, err := tb.views.Create(ctx, tb.agent, savedview.Input{Name: "Mine only", Params: params("view", "mine")})
	require.NoError(t, err)
	// Agents cannot share; managers and admins can.
	_, err = tb.views.Create(ctx, tb.agent, savedview.Input{Name: "For all", Params: params("view", "open"), Shared: true})
	require.Equal(t, validate.Errors{"shared": savedview.KeySharedRole}, err)
	require.Equal(t, validate.Errors{"shared": savedview.KeySharedRole},
		tb.views.Update(ctx, tb.agent, mine, savedview.Input{Name: "Mine only", Params: params("view", "mine"), Shared: true}))
	team, err := tb.views.Create(ctx, tb.mgr, savedview.Input{Name: "Team urgent", Params: params("view", "open", "priority", "0"), Shared: true})
	require.NoError(t, err)

	require.Equal(t, []string{"Mine only", "Team urgent"}, names(t, tb, tb.agent))
	require.Equal(t, []string{"Team urgent"}, names(t, tb, tb.ag2), "another agent sees shared views only")
	require.Equal(t, []string{"Team urgent"}, names(t, tb, tb.admin))
	require.Empty(t, names(t, tb, tb.other), "another workspace sees none")

	// Someone else's personal view does not exist for them, admin included.
	for _, sc := range []tenant.Scope{tb.ag2, tb.admin, tb.other} {
		_, err = tb.views.Get(ctx, sc, mine)
		require.ErrorIs(t, err, store.ErrNotFound)
		require.ErrorIs(t, tb.views.Delete(ctx, sc, mine), store.ErrNotFound)
		require.ErrorIs(t, tb.views.Move(ctx, sc, mine, 1), store.ErrNotFound)
	}
	_, err = tb.views.Get(ctx, tb.other, team)
	require.ErrorIs(t, err, store.ErrNotFound)

	// A shared view: others see it but only its author and admins change it.
	v, err := tb.views.Get(ctx, tb.ag2, team)
	require.NoError(t, err)
	require.False(t, v.Editable)
	require.ErrorIs(t, tb.views.Update(ctx, tb.ag2, team, savedview.Input{Name: "Hijacked", Params: params("view", "open")}), tenant.ErrForbidden)
	require.ErrorIs(t, tb.views.Delete(ctx, tb.ag2, team), tenant.ErrForbidden)
	require.NoError(t, tb.views.Update(ctx, tb.admin, team, savedview.Input{Name: "Team urgent (all)", Params: params("view", "open", "priority", "0"), Shared: true}))
	require.Equal(t, []string{"Team urgent (all)"}, names(t, tb, tb.ag2))
	require.NoError(t, tb.views.Delete(ctx, tb.admin, team))
	require.Empty(t, names(t, tb, tb.ag2))
}

func TestOrderIsEachPersons(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ctx := context.Background()
	mk := func(sc tenant.Scope, name string, shared bool) uuid.UUID {
		id, err := tb.views.Create(ctx, sc, savedview.Input{Name: name, Params: params("view", "open"), Shared: shared})
		require.NoError(t, err)
		return id
	}
	s1, s2 := mk(tb.mgr, "Shared 1", true), mk(tb.mgr, "Shared 2", true)
	a1 := mk(tb.agent, "Agent 1", false)
	require.Equal(t, []string{"Shared 1", "Shared 2", "Agent 1"}, names(t, tb, tb.agent))

	require.NoError(t, tb.views.Move(ctx, tb.agent, a1, -1))
	require.Equal(t, []string{"Shared 1", "Agent 1", "Shared 2"}, names(t, tb, tb.agent))
	require.NoError(t, tb.views.Move(ctx, tb.agent, a1, -1))
	require.NoError(t, tb.views.Move(ctx, tb.agent, a1, -1)) // already first: stays
	require.Equal(t, []string{"Agent 1", "Shared 1", "Shared 2"}, names(t, tb, tb.agent))

	// Another person's order of the same shared views is their own.
	require.NoError(t, tb.views.Move(ctx, tb.ag2, s2, -1))
	require.Equal(t, []string{"Shared 2", "Shared 1"}, names(t, tb, tb.ag2))
	require.Equal(t, []string{"Agent 1", "Shared 1", "Shared 2"}, names(t, tb, tb.agent))
	require.Equal(t, []string{"Shared 1", "Shared 2"}, names(t, tb, tb.mgr))

	// A whole order (drag and drop); a new view comes last.
	require.NoError(t, tb.views.Order(ctx, tb.agent, []uuid.UUID{s2, a1}))
	require.Equal(t, []string{"Shared 2", "Agent 1", "Shared 1"}, names(t, tb, tb.agent))
	mk(tb.agent, "Agent 2", false)
	require.Equal(t, []string{"Shared 2", "Agent 1", "Shared 1", "Agent 2"}, names(t, tb, tb.agent))
	_ = s1
	// Ids the person does not see are refused.
	theirs := mk(tb.ag2, "Theirs", false)
	require.ErrorIs(t, tb.views.Order(ctx, tb.agent, []uuid.UUID{theirs}), store.ErrNotFound)
}
