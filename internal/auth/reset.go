package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/sysmail"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

// Reset request limits: per address asked for (so nobody's mailbox is flooded) and per client (so
// one machine cannot probe many), over an hour. They apply whether or not an account exists, so
// hitting one reveals nothing.
const (
	resetWindow    = time.Hour
	resetPerEmail  = 3
	resetPerClient = 10
)

// Reset scopes of *ThrottledError.
const (
	ScopeResetEmail  = "reset_email"
	ScopeResetClient = "reset_client"
)

// ErrResetInvalid is the one answer for a reset link that is unknown, used, voided (a newer link,
// a password change) or expired.
var ErrResetInvalid = errors.New("auth: this password reset link no longer works")

// Mailer sends system mail (sysmail.Sender).
type Mailer interface {
	Send(ctx context.Context, m sysmail.Message) error
}

// JobInserter queues background jobs (River's client).
type JobInserter interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// UseJobs lets the service queue the reset mail.
func (s *Service) UseJobs(j JobInserter) { s.jobs = j }

// UseMailer lets the service send reset mail with links under baseURL.
func (s *Service) UseMailer(m Mailer, baseURL string) {
	s.mailer, s.baseURL = m, strings.TrimRight(baseURL, "/")
}

// ResetMailArgs is the job that mails a reset link, if the address has an account.
type ResetMailArgs struct {
	Email string `json:"email"`
	// Language of the page the request came from, for a person who follows the browser's.
	Language string `json:"language"`
}

// Kind names the job.
func (ResetMailArgs) Kind() string { return "auth.reset_mail" }

// RequestReset takes a "forgot password" request. It answers the same whether or not the address
// has an account — the lookup, the link and the mail happen in a job — except for a malformed
// address (validate.Errors) and a request over the limits (*ThrottledError).
func (s *Service) RequestReset(ctx context.Context, email, clientAddr, language string) error {
	email, ok := validate.Email(email)
	if !ok {
		return validate.Errors{"email": "auth.email_invalid"}
	}
	now := s.now()
	for _, k := range []throttleKey{
		{"reset:" + email, ScopeResetEmail, resetPerEmail},
		{"reset-ip:" + clientAddr, ScopeResetClient, resetPerClient},
	} {
		t, err := s.count(ctx, k, now, resetWindow, resetWindow)
		if err != nil {
			return fmt.Errorf("auth: count reset request: %w", err)
		}
		if t.Failures > k.limit {
			return &ThrottledError{Scope: k.scope, Until: lockedUntil(t, now, resetWindow)}
		}
	}
	if s.jobs == nil {
		return errors.New("auth: no job client for the reset mail")
	}
	if _, err := s.jobs.Insert(ctx, ResetMailArgs{Email: email, Language: language}, nil); err != nil {
		return fmt.Errorf("auth: queue reset mail: %w", err)
	}
	return nil
}

// SendResetMail is the job's work: for an address with an account it makes a new link, voiding
// any older one, and mails it. An address without an account gets nothing.
func (s *Service) SendResetMail(ctx context.Context, a ResetMailArgs) error {
	if s.mailer == nil {
		return errors.New("auth: no mailer for reset mail")
	}
	u, err := s.userByEmail(ctx, a.Email)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	token, err := s.issueReset(ctx, u)
	if err != nil {
		return err
	}
	p := i18n.NewPrinter(i18n.Match(u.Language, a.Language, ""), nil)
	link := s.baseURL + "/password/reset/" + token
	return s.mailer.Send(ctx, sysmail.Message{
		To:      u.Email,
		Subject: p.T("reset.mail_subject"),
		Text:    p.T("reset.mail_body", u.Name, link),
	})
}

// issueReset stores a new link for u (only its hash) and voids u's older ones.
func (s *Service) issueReset(ctx context.Context, u User) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := q.PasswordResetVoidOpen(ctx, dbsqlc.PasswordResetVoidOpenParams{UserID: u.ID, Now: now}); err != nil {
			return err
		}
		_, err := q.PasswordResetCreate(ctx, dbsqlc.PasswordResetCreateParams{UserID: u.ID, TokenHash: hashResetToken(token), Now: now, ExpiresAt: now.Add(ResetTTL)})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("auth: store reset link: %w", err)
	}
	return token, nil
}

// CheckReset says whether a link still works (ErrResetInvalid when not), for the page that asks
// for the new password.
func (s *Service) CheckReset(ctx context.Context, token string) error {
	var r dbsqlc.PasswordReset
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		r, err = q.PasswordResetByToken(ctx, hashResetToken(token))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrResetInvalid
	}
	if err != nil {
		return fmt.Errorf("auth: read reset link: %w", err)
	}
	if r.UsedAt != nil || r.VoidedAt != nil || !r.ExpiresAt.After(s.now()) {
		return ErrResetInvalid
	}
	return nil
}

// ResetPassword sets a new password through a link. The link is used up in the same transaction,
// so two requests racing with it set at most one password; the change voids the person's other
// links, ends all their sessions (they carry the old password-change time) and lifts every
// sign-in pause on their account.
func (s *Service) ResetPassword(ctx context.Context, token, password, confirm string) (User, error) {
	if err := s.CheckReset(ctx, token); err != nil {
		return User{}, err
	}
	errs := validate.Errors{}
	CheckNewPassword(errs, "password", password)
	if password != confirm {
		errs.Add("confirm_password", "auth.passwords_differ")
	}
	if err := errs.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		userID, err := q.PasswordResetUse(ctx, dbsqlc.PasswordResetUseParams{TokenHash: hashResetToken(token), Now: s.now()})
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrResetInvalid
		} else if err != nil {
			return err
		}
		if err := q.UserSetPassword(ctx, dbsqlc.UserSetPasswordParams{ID: userID, PasswordHash: hash}); err != nil {
			return err
		}
		if u, err = q.UserByID(ctx, userID); err != nil {
			return err
		}
		return q.ThrottleClearAccount(ctx, u.Email)
	})
	if err != nil && !errors.Is(err, ErrResetInvalid) {
		err = fmt.Errorf("auth: reset password: %w", err)
	}
	return u, err
}

func hashResetToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
