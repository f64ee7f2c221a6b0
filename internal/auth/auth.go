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

// Throttle limits: a sliding window of failures per key, then a lock. An address gets more room
// than an account because an office shares one address.
type Throttle struct {
	Window          time.Duration
	Lock            time.Duration
	AccountFailures int32
	AddressFailures int32
}

// DefaultThrottle locks an account after 5 failures and an address after 20, within 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, Lock: 15 * time.Minute, AccountFailures: 5, AddressFailures: 20}

// Service is the sign-in service.
type Service struct {
	st       *store.Store
	throttle Throttle
	now      func() time.Time
}

// New builds the service; now is injectable for tests.
func New(st *store.Store, throttle Throttle, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, throttle: throttle, now: now}
}

// User is a signed-in person.
type User = dbsqlc.User

// Authenticate checks email and password, counting failures against the account and the address.
// A locked key answers *ThrottledError without checking the password at all.
func (s *Service) Authenticate(ctx context.Context, email, password, addr string) (User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	keys := []struct {
		key   string
		scope string
		limit int32
	}{
		{"account:" + email, "account", s.throttle.AccountFailures},
		{"ip:" + addr, "address", s.throttle.AddressFailures},
	}
	now := s.now()
	var user User
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		for _, k := range keys {
			t, err := q.ThrottleGet(ctx, k.key)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			if err == nil && t.LockedUntil != nil && t.LockedUntil.After(now) {
				return &ThrottledError{Scope: k.scope, Until: *t.LockedUntil}
			}
		}
		return nil
	})
	if err != nil {
		return user, err
	}

	user, err = s.userByEmail(ctx, email)
	hash := dummyHash
	if err == nil {
		hash = user.PasswordHash
	} else if !errors.Is(err, store.ErrNotFound) {
		return user, err
	}
	ok, verr := VerifyPassword(hash, password)
	if verr != nil {
		return user, fmt.Errorf("auth: verify %s: %w", email, verr)
	}
	if err == nil && ok {
		return user, s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
			return q.ThrottleClear(ctx, keys[0].key)
		})
	}

	var locked *ThrottledError
	err = s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		for _, k := range keys {
			t, err := q.ThrottleFail(ctx, dbsqlc.ThrottleFailParams{
				Key: k.key, Now: now, MaxFailures: k.limit,
				LockedUntil: now.Add(s.throttle.Lock), WindowFloor: now.Add(-s.throttle.Window),
			})
			if err != nil {
				return err
			}
			if locked == nil && t.LockedUntil != nil && t.LockedUntil.After(now) {
				locked = &ThrottledError{Scope: k.scope, Until: *t.LockedUntil}
			}
		}
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("auth: record failed sign-in: %w", err)
	}
	if locked != nil {
		return User{}, locked
	}
	return User{}, ErrBadCredentials
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
	if ok, err := VerifyPassword(u.PasswordHash, current); err != nil {
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
	hash, err := HashPassword(next)
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

// SaveProfile stores the person's name and interface language ("" follows the browser).
func (s *Service) SaveProfile(ctx context.Context, userID uuid.UUID, name, language string, languages []string) error {
	errs := validate.Errors{}
	name = CheckName(errs, "name", name)
	if language != "" && !contains(languages, language) {
		errs.Add("language", "account.language_invalid")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := q.UserSetName(ctx, dbsqlc.UserSetNameParams{ID: userID, Name: name}); err != nil {
			return err
		}
		return q.UserSetLanguage(ctx, dbsqlc.UserSetLanguageParams{ID: userID, Language: language})
	})
}

// Cleanup deletes expired sessions and stale throttle rows; a periodic job calls it.
func (s *Service) Cleanup(ctx context.Context) (sessions, throttles int64, err error) {
	err = s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if sessions, err = q.SessionDeleteExpired(ctx); err != nil {
			return err
		}
		throttles, err = q.ThrottleDeleteStale(ctx, s.now().Add(-s.throttle.Window))
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
