package auth_test

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/mailsink"
	"github.com/shopdesk/shopdesk/internal/sysmail"
	"github.com/shopdesk/shopdesk/internal/validate"
)

var resetLink = regexp.MustCompile(`https://help\.example\.test/password/reset/([A-Za-z0-9_-]{43})`)

type resetBundle struct {
	*testBundle
	sink *mailsink.Sink
}

func setupReset(t *testing.T) *resetBundle {
	t.Helper()
	tb := setup(t)
	sink := mailsink.New(tb.db.Store)
	mailer, err := sysmail.New(config.Config{Env: config.EnvTest}, sink)
	require.NoError(t, err)
	tb.svc.UseMailer(mailer, "https://help.example.test/")
	// Insert-only: the tests do the job's work themselves, to control the clock around it.
	jobs, err := river.NewClient(riverpgxv5.New(tb.db.App), &river.Config{})
	require.NoError(t, err)
	tb.svc.UseJobs(jobs)
	return &resetBundle{testBundle: tb, sink: sink}
}

// mailLink does the reset job's work for ada and returns the token of the link she receives.
func (rb *resetBundle) mailLink(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	before, err := rb.sink.To(ctx, "ada@example.com")
	require.NoError(t, err)
	require.NoError(t, rb.svc.SendResetMail(ctx, auth.ResetMailArgs{Email: "ada@example.com", Language: "en"}))
	msgs, err := rb.sink.To(ctx, "ada@example.com")
	require.NoError(t, err)
	require.Len(t, msgs, len(before)+1)
	m := msgs[len(msgs)-1]
	require.Equal(t, "Reset your Shopdesk password", m.Subject)
	match := resetLink.FindStringSubmatch(m.Text)
	require.NotNil(t, match, "link in %q", m.Text)
	return match[1]
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("LinkWorksOnceAndEndsSessions", func(t *testing.T) {
		t.Parallel()
		rb := setupReset(t)
		token := rb.mailLink(t)
		// Only the hash is stored.
		var stored int
		require.NoError(t, rb.db.App.QueryRow(ctx, "SELECT count(*) FROM password_resets WHERE token_hash = convert_to($1, 'UTF8')", token).Scan(&stored))
		require.Zero(t, stored)
		require.NoError(t, rb.svc.CheckReset(ctx, token))

		_, err := rb.svc.ResetPassword(ctx, token, "short", "other")
		require.Equal(t, validate.Errors{"password": "auth.password_too_short", "confirm_password": "auth.passwords_differ"}, err)
		require.NoError(t, rb.svc.CheckReset(ctx, token), "a form error does not use the link up")

		u, err := rb.svc.ResetPassword(ctx, token, "a fresh new password", "a fresh new password")
		require.NoError(t, err)
		// Sessions carry the password-change time; a newer one ends every session (ui.loadUser).
		require.True(t, u.PasswordChangedAt.After(rb.user.PasswordChangedAt))
		_, err = rb.svc.Authenticate(ctx, "ada@example.com", "a fresh new password", "10.0.0.1")
		require.NoError(t, err)
		_, err = rb.svc.Authenticate(ctx, "ada@example.com", "the right password", "10.0.0.1")
		require.ErrorIs(t, err, auth.ErrBadCredentials)

		require.ErrorIs(t, rb.svc.CheckReset(ctx, token), auth.ErrResetInvalid)
		_, err = rb.svc.ResetPassword(ctx, token, "yet another password", "yet another password")
		require.ErrorIs(t, err, auth.ErrResetInvalid)
	})

	t.Run("ExpiresAfterAnHour", func(t *testing.T) {
		t.Parallel()
		rb := setupReset(t)
		token := rb.mailLink(t)
		*rb.now = rb.now.Add(59 * time.Minute)
		require.NoError(t, rb.svc.CheckReset(ctx, token))
		*rb.now = rb.now.Add(2 * time.Minute)
		require.ErrorIs(t, rb.svc.CheckReset(ctx, token), auth.ErrResetInvalid)
		_, err := rb.svc.ResetPassword(ctx, token, "a fresh new password", "a fresh new password")
		require.ErrorIs(t, err, auth.ErrResetInvalid)
	})

	t.Run("NewerLinkVoidsOlder", func(t *testing.T) {
		t.Parallel()
		rb := setupReset(t)
		older := rb.mailLink(t)
		newer := rb.mailLink(t)
		require.NotEqual(t, older, newer)
		require.ErrorIs(t, rb.svc.CheckReset(ctx, older), auth.ErrResetInvalid)
		_, err := rb.svc.ResetPassword(ctx, older, "a fresh new password", "a fresh new password")
		require.ErrorIs(t, err, auth.ErrResetInvalid)
		_, err = rb.svc.ResetPassword(ctx, newer, "a fresh new password", "a fresh new password")
		require.NoError(t, err)
	})

	t.Run("PasswordChangeVoidsLinks", func(t *testing.T) {
		t.Parallel()
		rb := setupReset(t)
		token := rb.mailLink(t)
		_, err := rb.svc.ChangePassword(ctx, rb.user.ID, "the right password", "changed the usual way", "changed the usual way")
		require.NoError(t, err)
		require.ErrorIs(t, rb.svc.CheckReset(ctx, token), auth.ErrResetInvalid)
	})

	t.Run("RacingUsesSetOnePassword", func(t *testing.T) {
		t.Parallel()
		rb := setupReset(t)
		token := rb.mailLink(t)
		var wg sync.WaitGroup
		errs := make([]error, 2) // within the service's hashing slots
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = rb.svc.ResetPassword(ctx, token, "a fresh new password", "a fresh new password")
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				require.ErrorIs(t, err, auth.ErrResetInvalid)
			}
		}
		require.Equal(t, 1, ok)
	})

	t.Run("SameAnswerForUnknownAddress", func(t *testing.T) {
		t.Parallel()
		rb := setupReset(t)
		require.NoError(t, rb.svc.RequestReset(ctx, "ada@example.com", "10.0.0.1", "en"))
		require.NoError(t, rb.svc.RequestReset(ctx, "nobody@example.com", "10.0.0.1", "en"))
		// Both are a queued job, nothing more: the lookup happens in the job.
		var queued int
		require.NoError(t, rb.db.App.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'auth.reset_mail'").Scan(&queued))
		require.Equal(t, 2, queued)
		var links int
		require.NoError(t, rb.db.App.QueryRow(ctx, "SELECT count(*) FROM password_resets").Scan(&links))
		require.Zero(t, links)
		// The job mails nothing for an unknown address, and makes no link.
		require.NoError(t, rb.svc.SendResetMail(ctx, auth.ResetMailArgs{Email: "nobody@example.com"}))
		msgs, err := rb.sink.To(ctx, "nobody@example.com")
		require.NoError(t, err)
		require.Empty(t, msgs)
		require.Equal(t, validate.Errors{"email": "auth.email_invalid"}, rb.svc.RequestReset(ctx, "not an address", "10.0.0.1", "en"))
	})

	t.Run("LimitedPerAddressAndClient", func(t *testing.T) {
		t.Parallel()
		rb := setupReset(t)
		for _, email := range []string{"ada@example.com", "nobody@example.com"} {
			for range 3 {
				require.NoError(t, rb.svc.RequestReset(ctx, email, "10.0.0."+string(rune('1'+len(email)%5)), "en"))
			}
			err := rb.svc.RequestReset(ctx, email, "10.0.1.1", "en")
			throttled, ok := errors.AsType[*auth.ThrottledError](err)
			require.True(t, ok, "%v", err)
			require.Equal(t, auth.ScopeResetEmail, throttled.Scope, "the same for an address without an account")
		}
		var err error
		for i := range 11 {
			err = rb.svc.RequestReset(ctx, "guess"+string(rune('a'+i))+"@example.com", "203.0.113.9", "en")
		}
		throttled, ok := errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		require.Equal(t, auth.ScopeResetClient, throttled.Scope)
		*rb.now = rb.now.Add(61 * time.Minute)
		require.NoError(t, rb.svc.RequestReset(ctx, "ada@example.com", "203.0.113.9", "en"))
	})

	t.Run("ResetLiftsTheAccountWidePause", func(t *testing.T) {
		t.Parallel()
		throttle := auth.DefaultThrottle
		throttle.AccountWide = 3
		tb := setupWith(t, throttle)
		sink := mailsink.New(tb.db.Store)
		mailer, err := sysmail.New(config.Config{Env: config.EnvTest}, sink)
		require.NoError(t, err)
		tb.svc.UseMailer(mailer, "https://help.example.test")
		rb := &resetBundle{testBundle: tb, sink: sink}
		for i := range 3 {
			_, _ = tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "198.51.100."+string(rune('1'+i)))
		}
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "the right password", "192.168.1.1")
		_, ok := errors.AsType[*auth.ThrottledError](err)
		require.True(t, ok, "%v", err)
		// And a pause of this account from one address.
		for range 5 {
			_, _ = tb.svc.Authenticate(ctx, "ada@example.com", "wrong", "198.51.100.1")
		}
		token := rb.mailLink(t)
		_, err = tb.svc.ResetPassword(ctx, token, "a fresh new password", "a fresh new password")
		require.NoError(t, err)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "a fresh new password", "192.168.1.1")
		require.NoError(t, err)
		_, err = tb.svc.Authenticate(ctx, "ada@example.com", "a fresh new password", "198.51.100.1")
		require.NoError(t, err)
	})
}
