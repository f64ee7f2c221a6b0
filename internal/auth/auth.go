// Package auth signs people in and out: argon2id passwords, sign-in throttling per account and per
// address, password changes and the person's own settings.
package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Throttle limits. Every attempt is counted before its password is checked, against three keys:
// the account from this address (the tight limit: someone mistyping, or one guesser), the address
// across all accounts (one machine guessing many accounts; an office shares an address, so it gets
// more room), and the account from anywhere (a guesser spread over many addresses). The
// account-wide limit is deliberately loose, so a stranger cannot lock a person out of their account
// with a few tries from their own address; a password reset lifts it.
type Throttle struct {
	Window          time.Duration
	Lock            time.Duration
	AccountFailures int32 // one account from one address
	AddressFailures int32 // one address, all accounts
	AccountWide     int32 // one account, all addresses
}

// DefaultThrottle: 5 attempts per account and address, 20 per address and 50 per account within
// 15 minutes, then a 15-minute pause of that key.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, Lock: 15 * time.Minute, AccountFailures: 5, AddressFailures: 20, AccountWide: 50}

// Service is the sign-in service.
type Service struct {
	st       *store.Store
	throttle Throttle
	now      func() time.Time
	// verify checks a password; tests count the checks through it.
	verify  func(hash, password string) (bool, error)
	hashing hashSlots
	jobs    JobInserter
	mailer  Mailer
	// baseURL is where password reset links point.
	baseURL string
}

// New builds the service; now is injectable for tests.
func New(st *store.Store, throttle Throttle, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, throttle: throttle, now: now, verify: VerifyPassword, hashing: newHashSlots()}
}

// CountVerifications wraps password checks with fn (tests assert how many guesses were checked).
func (s *Service) CountVerifications(fn func()) {
	inner := s.verify
	s.verify = func(hash, password string) (bool, error) {
		fn()
		return inner(hash, password)
	}
}

// User is a signed-in person.
type User = dbsqlc.User

type throttleKey struct {
	key   string
	scope string
	limit int32
}

func (s *Service) signInKeys(email, addr string) []throttleKey {
	return []throttleKey{
		{"account:" + email + "|ip:" + addr, ScopeAccount, s.throttle.AccountFailures},
		{"ip:" + addr, ScopeAddress, s.throttle.AddressFailures},
		{"account:" + email, ScopeAccountWide, s.throttle.AccountWide},
	}
}

// Authenticate checks email and password. The attempt is counted against the account from this
// address, the address and the account before the password is checked, each in one atomic
// statement, so parallel guesses cannot slip past a limit: an attempt over any limit answers
// *ThrottledError without checking the password at all. A right password gives its attempt back.
// ErrBusy: the process is checking as many passwords as it may at once.
func (s *Service) Authenticate(ctx context.Context, email, password, addr string) (User, error) {
	// Checked before lower-casing, which would turn broken UTF-8 into U+FFFD.
	malformed := len(email) > 254 || !utf8.ValidString(email) || strings.ContainsRune(email, 0) || len(password) > MaxPasswordLen
	email = strings.ToLower(strings.TrimSpace(email))
	keys := s.signInKeys(email, addr)
	// Input no account can have (an over-long or broken address, a password beyond the limit) is
	// a wrong guess: counted against the address only (such an address is not a usable key) and
	// never hashed.
	if malformed {
		keys = keys[1:2]
	}
	now := s.now()
	var counted []throttleKey
	var nearLock *ThrottledError
	for _, k := range keys {
		t, err := s.count(ctx, k, now, s.throttle.Window, s.throttle.Lock)
		if err != nil {
			s.refund(ctx, counted)
			return User{}, fmt.Errorf("auth: count sign-in attempt: %w", err)
		}
		counted = append(counted, k)
		if t.Failures > k.limit {
			// Earlier keys keep this attempt: it was a guess, only not checked.
			return User{}, &ThrottledError{Scope: k.scope, Until: lockedUntil(t, now, s.throttle.Lock)}
		}
		if t.Failures == k.limit && nearLock == nil {
			nearLock = &ThrottledError{Scope: k.scope, Until: lockedUntil(t, now, s.throttle.Lock)}
		}
	}

	if malformed {
		if nearLock != nil {
			return User{}, nearLock
		}
		return User{}, ErrBadCredentials
	}
	user, err := s.userByEmail(ctx, email)
	hash := dummyHash
	if err == nil {
		hash = user.PasswordHash
	} else if !errors.Is(err, store.ErrNotFound) {
		s.refund(ctx, counted)
		return User{}, err
	}
	ok, verr := s.check(ctx, hash, password)
	if errors.Is(verr, ErrBusy) || errors.Is(verr, context.Canceled) {
		s.refund(ctx, counted) // never checked: not a guess
		return User{}, verr
	}
	if verr != nil {
		return User{}, fmt.Errorf("auth: verify %s: %w", email, verr)
	}
	if err == nil && ok {
		// The person's own earlier typos from this address are forgiven; the other keys only get
		// this attempt back, so a guesser's count elsewhere stands.
		err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
			if err := q.ThrottleClear(ctx, keys[0].key); err != nil {
				return err
			}
			for _, k := range keys[1:] {
				if err := q.ThrottleRefund(ctx, dbsqlc.ThrottleRefundParams{Key: k.key, MaxAttempts: k.limit}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return User{}, fmt.Errorf("auth: clear sign-in attempts: %w", err)
		}
		return user, nil
	}
	if nearLock != nil {
		// That was the last attempt the limit allowed: say so now rather than on the next try.
		return User{}, nearLock
	}
	return User{}, ErrBadCredentials
}

// count records one attempt against k in a sliding window.
func (s *Service) count(ctx context.Context, k throttleKey, now time.Time, window, lock time.Duration) (dbsqlc.LoginThrottle, error) {
	var t dbsqlc.LoginThrottle
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		t, err = q.ThrottleAttempt(ctx, dbsqlc.ThrottleAttemptParams{
			Key: k.key, Now: now, MaxAttempts: k.limit, LockedUntil: now.Add(lock), WindowFloor: now.Add(-window),
		})
		return err
	})
	return t, err
}

// refund gives back attempts that were not guesses (a failure of ours before the check).
func (s *Service) refund(ctx context.Context, keys []throttleKey) {
	if len(keys) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	_ = s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		for _, k := range keys {
			if err := q.ThrottleRefund(ctx, dbsqlc.ThrottleRefundParams{Key: k.key, MaxAttempts: k.limit}); err != nil {
				return err
			}
		}
		return nil
	})
}

func lockedUntil(t dbsqlc.LoginThrottle, now time.Time, lock time.Duration) time.Time {
	if t.LockedUntil != nil {
		return *t.LockedUntil
	}
	return now.Add(lock)
}

func (s *Service) userByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		u, err = q.UserByEmail(ctx, email)
		return store.NotFound(err)
	})
	return u, err
}

// UserByID loads a person.
func (s *Service) UserByID(ctx context.Context, id uuid.UUID) (User, error) {
	var u User
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		u, err = q.UserByID(ctx, id)
		return store.NotFound(err)
	})
	return u, err
}

// CheckNewPassword validates a password someone chooses, into errs under field.
func CheckNewPassword(errs validate.Errors, field, password string) {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		errs.Add(field, "common.required")
	case n < MinPasswordLen:
		errs.Add(field, "auth.password_too_short")
	case len(password) > MaxPasswordLen:
		errs.Add(field, "auth.password_too_long")
	}
}

// CheckName validates a person's display name.
func CheckName(errs validate.Errors, field, name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		errs.Add(field, "common.required")
	case utf8.RuneCountInString(name) > 200:
		errs.Add(field, "auth.name_too_long")
	}
	return name
}

// ChangePassword replaces a password after checking the current one. Other sessions of the person
// stop working, because they carry the old password-change time (see server's session check).
func (s *Service) ChangePassword(ctx context.Context, userID uuid.UUID, current, next, confirm string) (User, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return u, err
	}
	errs := validate.Errors{}
	if ok, err := s.check(ctx, u.PasswordHash, current); err != nil {
		return u, fmt.Errorf("auth: verify current password: %w", err)
	} else if !ok {
		errs.Add("current_password", "auth.current_password_wrong")
	}
	CheckNewPassword(errs, "new_password", next)
	if next != confirm {
		errs.Add("confirm_password", "auth.passwords_differ")
	}
	if err := errs.Err(); err != nil {
		return u, err
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		return u, err
	}
	err = s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := q.UserSetPassword(ctx, dbsqlc.UserSetPasswordParams{ID: userID, PasswordHash: hash}); err != nil {
			return err
		}
		u, err = q.UserByID(ctx, userID)
		return err
	})
	if err != nil {
		return u, fmt.Errorf("auth: change password: %w", err)
	}
	return u, nil
}

// SaveProfile stores the person's name, interface language ("" follows the browser) and time
// zone (an IANA name; "" follows each workspace's zone).
func (s *Service) SaveProfile(ctx context.Context, userID uuid.UUID, name, language, timeZone string, languages []string) error {
	errs := validate.Errors{}
	name = CheckName(errs, "name", name)
	if language != "" && !contains(languages, language) {
		errs.Add("language", "account.language_invalid")
	}
	timeZone = strings.TrimSpace(timeZone)
	if timeZone != "" {
		// "Local" names this server's zone, not a place; every other name must be a real zone.
		if _, err := time.LoadLocation(timeZone); err != nil || timeZone == "Local" || len(timeZone) > 64 {
			errs.Add("time_zone", "account.time_zone_invalid")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := q.UserSetName(ctx, dbsqlc.UserSetNameParams{ID: userID, Name: name}); err != nil {
			return err
		}
		if err := q.UserSetTimeZone(ctx, dbsqlc.UserSetTimeZoneParams{ID: userID, TimeZone: timeZone}); err != nil {
			return err
		}
		return q.UserSetLanguage(ctx, dbsqlc.UserSetLanguageParams{ID: userID, Language: language})
	})
}

// Cleanup deletes expired sessions, stale throttle rows and day-old reset links; a periodic job calls it.
func (s *Service) Cleanup(ctx context.Context) (sessions, throttles int64, err error) {
	err = s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if sessions, err = q.SessionDeleteExpired(ctx); err != nil {
			return err
		}
		// Reset request counts run over an hour; sign-in ones over the throttle's window.
		if throttles, err = q.ThrottleDeleteStale(ctx, s.now().Add(-max(s.throttle.Window, resetWindow))); err != nil {
			return err
		}
		_, err = q.PasswordResetDeleteOld(ctx, s.now().Add(-24*time.Hour))
		return err
	})
	return sessions, throttles, err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
