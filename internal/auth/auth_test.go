package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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
	db   *pgtest.DB
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupWith(t, auth.DefaultThrottle)
}

// setupWith takes other limits, so tests of the loose limits need fewer (slow) password checks.
func setupWith(t *testing.T, throttle auth.Throttle) *testBundle {
	t.Helper()
	db := pgtest.NewDB(t)
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	tb := &testBundle{now: &now, db: db}
	tb.svc = auth.New(db.Store, throttle, func() time.Time { return *tb.now })
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

	t.Run("AccountLocksFromOneAddressAfterFiveFailures", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		for range 4 {
			_, err := tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.0.0.1")
			require.ErrorIs(t, err, auth.ErrBadCredentials)
		}
		_, err := tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.0.0.1")
		throttled, ok := errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, auth.ScopeAccount, throttled.Scope)
		require.Equal(t, 15*time.Minute, throttled.RetryAfter(*tb.now))
		// Even the right password is refused from that address while it is locked…
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "10.0.0.1")
		_, ok = errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		// …but a stranger's five tries do not lock the person out from their own address.
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "192.168.1.1")
		require.NoError(t, err)
		// After the lock, the right password works from the first address too and clears its count.
		*tb.now = tb.now.Add(16 * time.Minute)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "10.0.0.1")
		require.NoError(t, err)
		for range 4 {
			_, err := tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "10.0.0.1")
			require.ErrorIs(t, err, auth.ErrBadCredentials)
		}
	})

	t.Run("AccountWideLimitAcrossAddresses", func(t *testing.T) {
		t.Parallel()
		throttle := auth.DefaultThrottle
		throttle.AccountWide = 12
		tb := setupWith(t, throttle)
		limit := int(throttle.AccountWide)
		// A guesser spread over many addresses, four tries each: no single address reaches its limit.
		var err error
		for i := range limit {
			_, err = tb.svc.Authenticate(ctx, "ada@example.com", "wrong", fmt.Sprintf("198.51.100.%d", i/4))
		}
		throttled, ok := errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, auth.ScopeAccountWide, throttled.Scope)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "192.168.1.1")
		throttled, ok = errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, auth.ScopeAccountWide, throttled.Scope)
		// Other accounts are untouched.
		_, err = tb.svc.Authenticate(ctx, "nobody@example.com", "wrong", "192.168.1.1")
		require.ErrorIs(t, err, auth.ErrBadCredentials)
		*tb.now = tb.now.Add(16 * time.Minute)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "192.168.1.1")
		require.NoError(t, err)
	})

	t.Run("ParallelGuessesAreCountedBeforeTheCheck", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		var verified atomic.Int32
		tb.svc.CountVerifications(func() { verified.Add(1) })
		const guesses = 20
		limit := int(auth.DefaultThrottle.AccountFailures)
		type result struct {
			right bool
			err   error
		}
		results := make(chan result, guesses)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range guesses {
			wg.Go(func() {
				<-start
				pw := fmt.Sprintf("wrong %d", i)
				if i == guesses/2 {
					pw = "the right password"
				}
				_, err := tb.svc.Authenticate(ctx, "ada@example.com", pw, "203.0.113.50")
				results <- result{right: i == guesses/2, err: err}
			})
		}
		close(start)
		wg.Wait()
		close(results)
		throttled, signedIn := 0, 0
		for r := range results {
			if _, ok := errors.AsType[*auth.ThrottledError](r.err); ok {
				throttled++
				continue
			}
			if r.err == nil {
				require.True(t, r.right)
				signedIn++
				continue
			}
			if errors.Is(r.err, auth.ErrBusy) {
				continue // not checked, on a slow machine: "try again in a moment"
			}
			require.ErrorIs(t, r.err, auth.ErrBadCredentials)
		}
		require.LessOrEqual(t, signedIn, 1)
		// A right password within the limit signs in and forgives this address's earlier typos
		// (the count starts again), so at most one more limit's worth can be checked after it;
		// without it, only the limit. Counting after the check let all 20 through.
		allowed := limit
		if signedIn == 1 {
			allowed = 2 * limit
		}
		require.LessOrEqual(t, int(verified.Load()), allowed, "only the attempts within the limit reach the password check")
		require.GreaterOrEqual(t, throttled, guesses-allowed, "every guess past the limit is refused unchecked")
		if signedIn == 0 {
			// The right password came after the limit: it was refused unchecked and stays refused.
			_, err := tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "203.0.113.50")
			_, ok := errors.AsType[*auth.ThrottledError](err)
			require.True(t, ok, "%v", err)
		}
	})

	t.Run("RightPasswordAfterTheLimitDoesNotSignIn", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		var verified atomic.Int32
		tb.svc.CountVerifications(func() { verified.Add(1) })
		for range 5 {
			_, _ = tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "203.0.113.51")
		}
		_, err := tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "203.0.113.51")
		_, ok := errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, int32(5), verified.Load())
	})

	t.Run("RightPasswordGivesItsAttemptBack", func(t *testing.T) {
		t.Parallel()
		throttle := auth.DefaultThrottle
		throttle.AddressFailures, throttle.AccountWide = 3, 3
		tb := setupWith(t, throttle)
		// An office: many people sign in from one address without ever using up its room.
		for range 3 * throttle.AddressFailures {
			_, err := tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "10.9.9.9")
			require.NoError(t, err)
		}
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
		require.Equal(t, auth.ScopeAddress, throttled.Scope)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "203.0.113.7")
		_, ok = errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "203.0.113.8")
		require.NoError(t, err)
	})

	t.Run("MalformedInputIsAWrongGuess", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		var verified atomic.Int32
		tb.svc.CountVerifications(func() { verified.Add(1) })
		for _, email := range []string{strings.Repeat("a", 1<<20) + "@example.com", "ada\x00@example.com", "ada\xff@example.com"} {
			_, err := tb.svc.Authenticate(ctx, email, "wrong", "10.2.2.2")
			require.ErrorIs(t, err, auth.ErrBadCredentials)
		}
		_, err := tb.svc.Authenticate(ctx, "ada@example.com", strings.Repeat("p", 1<<20), "10.2.2.2")
		require.ErrorIs(t, err, auth.ErrBadCredentials)
		require.Zero(t, verified.Load(), "nothing hashed")
		var addressCount int32
		require.NoError(t, tb.db.App.QueryRow(ctx, "SELECT failures FROM login_throttle WHERE key = 'ip:10.2.2.2'").Scan(&addressCount))
		require.Equal(t, int32(4), addressCount, "still counted against the address")
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
