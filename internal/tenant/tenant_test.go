package tenant_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var langs = []string{"en", "ko", "ro"}

type testBundle struct {
	svc   *tenant.Service
	now   *time.Time
	admin tenant.Scope
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.NewDB(t)
	now := time.Now()
	tb := &testBundle{now: &now}
	tb.svc = tenant.New(db.Store, func() time.Time { return *tb.now })
	ws, uid, err := tb.svc.SignUp(context.Background(), tenant.SignUpInput{
		Workspace: tenant.WorkspaceInput{Name: "Acme", Slug: "acme", TimeZone: "Asia/Seoul", Language: "ko"},
		Name:      "Ada", Email: "Ada@Example.com", Password: "correct horse battery",
	}, uuid.Nil, langs)
	require.NoError(t, err)
	tb.admin, err = tb.svc.Resolve(context.Background(), ws.Slug, uid)
	require.NoError(t, err)
	return tb
}

func TestSignUp(t *testing.T) {
	t.Parallel()

	t.Run("CreatesWorkspaceAndAdmin", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		require.Equal(t, tenant.RoleAdmin, tb.admin.Role)
		require.Equal(t, "Asia/Seoul", tb.admin.Workspace.TimeZone)
		ws, err := tb.svc.Workspaces(context.Background(), tb.admin.UserID)
		require.NoError(t, err)
		require.Len(t, ws, 1)
	})

	t.Run("PasswordHashedWithinTheProcessCap", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		busy := errors.New("busy")
		tb.svc.UseHasher(func(context.Context, string) (string, error) { return "", busy })
		_, _, err := tb.svc.SignUp(context.Background(), tenant.SignUpInput{
			Workspace: tenant.WorkspaceInput{Name: "Capped", Slug: "capped", TimeZone: "UTC", Language: "en"},
			Name:      "Cap", Email: "cap@example.com", Password: "correct horse battery",
		}, uuid.Nil, langs)
		require.ErrorIs(t, err, busy, "sign-up hashes through the hasher the process caps")
	})

	t.Run("FieldErrors", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		_, _, err := tb.svc.SignUp(context.Background(), tenant.SignUpInput{
			Workspace: tenant.WorkspaceInput{Name: "", Slug: "Bad Slug!", TimeZone: "Mars/Olympus", Language: "de"},
			Name:      "", Email: "nope", Password: "short",
		}, uuid.Nil, langs)
		var ve validate.Errors
		require.True(t, errors.As(err, &ve))
		require.Equal(t, validate.Errors{
			"workspace_name": "common.required", "slug": "workspace.slug_invalid", "time_zone": "workspace.time_zone_invalid",
			"language": "workspace.language_invalid", "name": "common.required", "email": "auth.email_invalid", "password": "auth.password_too_short",
		}, ve)
	})

	t.Run("TakenSlugAndEmail", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		in := tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: "Other", Slug: "acme", TimeZone: "UTC", Language: "en"},
			Name: "Bo", Email: "bo@example.com", Password: "long enough password"}
		_, _, err := tb.svc.SignUp(context.Background(), in, uuid.Nil, langs)
		require.Equal(t, validate.Errors{"slug": "workspace.slug_taken"}, err)
		in.Workspace.Slug, in.Email = "other", "ada@example.com"
		_, _, err = tb.svc.SignUp(context.Background(), in, uuid.Nil, langs)
		require.Equal(t, validate.Errors{"email": "signup.email_taken"}, err)
		// Nothing of the failed attempt was kept.
		_, err = tb.svc.BySlug(context.Background(), "other")
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("SignedInPersonAddsWorkspace", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		_, _, err := tb.svc.SignUp(context.Background(), tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: "Second", Slug: "second", TimeZone: "UTC", Language: "en"}}, tb.admin.UserID, langs)
		require.NoError(t, err)
		ws, err := tb.svc.Workspaces(context.Background(), tb.admin.UserID)
		require.NoError(t, err)
		require.Len(t, ws, 2)
	})
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("AcceptOnceAsNewPerson", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		_, token, err := tb.svc.Invite(ctx, tb.admin, "Bea@Example.com", tenant.RoleManager)
		require.NoError(t, err)
		sc, err := tb.svc.AcceptInvitationNewAccount(ctx, "acme", token, "Bea", "a good long password", "a good long password")
		require.NoError(t, err)
		require.Equal(t, tenant.RoleManager, sc.Role)
		_, err = tb.svc.AcceptInvitationNewAccount(ctx, "acme", token, "Eve", "a good long password", "a good long password")
		require.ErrorIs(t, err, tenant.ErrInvitationUsed)
		members, err := tb.svc.Members(ctx, tb.admin)
		require.NoError(t, err)
		require.Len(t, members, 2)
	})

	t.Run("ConcurrentAcceptsJoinOnce", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		_, token, err := tb.svc.Invite(ctx, tb.admin, "cy@example.com", tenant.RoleAgent)
		require.NoError(t, err)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = tb.svc.AcceptInvitationNewAccount(ctx, "acme", token, "Cy", "a good long password", "a good long password")
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			}
		}
		require.Equal(t, 1, ok, "%v", errs)
	})

	t.Run("Expired", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		_, token, err := tb.svc.Invite(ctx, tb.admin, "dee@example.com", tenant.RoleAgent)
		require.NoError(t, err)
		*tb.now = tb.now.Add(tenant.InvitationTTL + time.Minute)
		_, _, _, err = tb.svc.OpenInvitation(ctx, "acme", token)
		require.ErrorIs(t, err, tenant.ErrInvitationExpired)
	})

	t.Run("RevokedAndWrongToken", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		inv, token, err := tb.svc.Invite(ctx, tb.admin, "ed@example.com", tenant.RoleAgent)
		require.NoError(t, err)
		require.NoError(t, tb.svc.RevokeInvitation(ctx, tb.admin, inv.ID))
		_, _, _, err = tb.svc.OpenInvitation(ctx, "acme", token)
		require.ErrorIs(t, err, tenant.ErrInvitationRevoked)
		_, _, _, err = tb.svc.OpenInvitation(ctx, "acme", token+"x")
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("OtherPersonCannotUseLink", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		_, token, err := tb.svc.Invite(ctx, tb.admin, "fay@example.com", tenant.RoleAgent)
		require.NoError(t, err)
		// Someone with an account (in another workspace) and a different email.
		_, other, err := tb.svc.SignUp(ctx, tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: "Z", Slug: "zed", TimeZone: "UTC", Language: "en"},
			Name: "Zed", Email: "zed@example.com", Password: "a good long password"}, uuid.Nil, langs)
		require.NoError(t, err)
		_, err = tb.svc.AcceptInvitation(ctx, "acme", token, other)
		require.ErrorIs(t, err, tenant.ErrInvitationOtherEmail)
	})

	t.Run("AgentCannotInvite", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		agent := tb.admin
		agent.Role = tenant.RoleAgent
		_, _, err := tb.svc.Invite(ctx, agent, "g@example.com", tenant.RoleAdmin)
		require.ErrorIs(t, err, tenant.ErrForbidden)
	})
}

func TestMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("LastAdminStays", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		err := tb.svc.SetRole(ctx, tb.admin, tb.admin.UserID, tenant.RoleAgent)
		require.Equal(t, validate.Errors{"role": "people.last_admin"}, err)
		err = tb.svc.RemoveMember(ctx, tb.admin, tb.admin.UserID)
		require.Equal(t, validate.Errors{"role": "people.last_admin"}, err)
	})

	t.Run("ChangeRoleAndRemove", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		_, token, err := tb.svc.Invite(ctx, tb.admin, "hal@example.com", tenant.RoleAgent)
		require.NoError(t, err)
		sc, err := tb.svc.AcceptInvitationNewAccount(ctx, "acme", token, "Hal", "a good long password", "a good long password")
		require.NoError(t, err)
		require.NoError(t, tb.svc.SetRole(ctx, tb.admin, sc.UserID, tenant.RoleAdmin))
		got, err := tb.svc.Resolve(ctx, "acme", sc.UserID)
		require.NoError(t, err)
		require.Equal(t, tenant.RoleAdmin, got.Role)
		require.NoError(t, tb.svc.RemoveMember(ctx, tb.admin, sc.UserID))
		_, err = tb.svc.Resolve(ctx, "acme", sc.UserID)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}
