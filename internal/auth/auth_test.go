package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("pässwörd with ünïcode")
	require.NoError(t, err)
	ok, err := auth.VerifyPassword(h, "pässwörd with ünïcode")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = auth.VerifyPassword(h, "passwörd with ünïcode")
	require.NoError(t, err)
	require.False(t, ok)
	h2, _ := auth.HashPassword("pässwörd with ünïcode")
	require.NotEqual(t, h, h2, "salted")
	_, err = auth.VerifyPassword("$2a$10$bcrypt", "x")
	require.Error(t, err)
}

type testBundle struct {
	svc  *auth.Service
	now  *time.Time
	user auth.User
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.NewDB(t)
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tb := &testBundle{now: &now}
	tb.svc = auth.New(db.Store, auth.DefaultThrottle, func() time.Time { return *tb.now })
	hash, err := auth.HashPassword("the right password")
	require.NoError(t, err)
	require.NoError(t, db.Store.InTx(context.Background(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		tb.user, err = q.UserCreate(context.Background(), dbsqlc.UserCreateParams{Email: "ada@example.com", Name: "Ada", PasswordHash: hash})
		return err
	}))
	return tb
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("RightAndWrong", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		u, err := tb.svc.Authenticate(ctx, " ADA@example.com ", "the right password", "10.0.0.1")
		require.NoError(t, err)
		require.Equal(t, tb.user.ID, u.ID)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.0.0.1")
		require.ErrorIs(t, err, auth.ErrBadCredentials)
		_, err = tb.svc.Authenticate(ctx, "nobody@example.com", "wrong", "10.0.0.1")
		require.ErrorIs(t, err, auth.ErrBadCredentials)
	})

	t.Run("AccountLocksAfterFiveFailures", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		for i := range 4 {
			_, err := tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.0.0."+string(rune('1'+i)))
			require.ErrorIs(t, err, auth.ErrBadCredentials)
		}
		_, err := tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.0.0.9")
		throttled, ok := errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, "account", throttled.Scope)
		// Even the right password is refused while locked, from any address.
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "192.168.1.1")
		_, ok = errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok)
		require.Equal(t, 15*time.Minute, throttled.RetryAfter(*tb.now))
		// After the lock, the right password works and clears the count.
		*tb.now = tb.now.Add(16 * time.Minute)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "192.168.1.1")
		require.NoError(t, err)
	})

	t.Run("AddressLocksAcrossAccounts", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		var err error
		for i := range 20 {
			_, err = tb.svc.Authenticate(ctx, "guess"+string(rune('a'+i))+"@example.com", "wrong", "203.0.113.7")
		}
		throttled, ok := errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, "address", throttled.Scope)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "203.0.113.7")
		_, ok = errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "203.0.113.8")
		require.NoError(t, err)
	})

	t.Run("WindowSlides", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		for range 4 {
			_, err := tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.1.1.1")
			require.ErrorIs(t, err, auth.ErrBadCredentials)
		}
		*tb.now = tb.now.Add(20 * time.Minute)
		_, err := tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.1.1.1")
		require.ErrorIs(t, err, auth.ErrBadCredentials, "old failures fell out of the window")
	})
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tb := setup(t)
	_, err := tb.svc.ChangePassword(ctx, tb.user.ID, "wrong", "short", "other")
	require.Equal(t, validate.Errors{"current_password": "auth.current_password_wrong", "new_password": "auth.password_too_short", "confirm_password": "auth.passwords_differ"}, err)
	u, err := tb.svc.ChangePassword(ctx, tb.user.ID, "the right password", "a brand new password", "a brand new password")
	require.NoError(t, err)
	require.True(t, u.PasswordChangedAt.After(tb.user.PasswordChangedAt))
	_, err = tb.svc.Authenticate(ctx, "ada@example.com", "a brand new password", "10.0.0.1")
	require.NoError(t, err)
}
