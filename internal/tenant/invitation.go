package tenant

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation is a pending, accepted, revoked or expired invitation.
type Invitation = dbsqlc.Invitation

// Invitation states, for pages and errors.
var (
	ErrInvitationUsed    = errors.New("tenant: invitation already used")
	ErrInvitationExpired = errors.New("tenant: invitation expired")
	ErrInvitationRevoked = errors.New("tenant: invitation revoked")
	// ErrInvitationOtherEmail: a signed-in person tried to accept someone else's invitation.
	ErrInvitationOtherEmail = errors.New("tenant: invitation is for another email address")
)

// Invite creates a single-use link for email with role and queues its mail. The secret is returned
// once (the admin sees the link too); only its hash is stored, and the mail job carries it sealed.
func (s *Service) Invite(ctx context.Context, sc Scope, email string, role Role) (Invitation, string, error) {
	if err := sc.Require(RoleAdmin); err != nil {
		return Invitation{}, "", err
	}
	errs := validate.Errors{}
	email, ok := validate.Email(email)
	if !ok {
		errs.Add("email", "auth.email_invalid")
	}
	if !role.Valid() {
		errs.Add("role", "people.role_invalid")
	}
	if err := errs.Err(); err != nil {
		return Invitation{}, "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Invitation{}, "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	var inv Invitation
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		var alreadyMember bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.tenant_id = $1 AND u.email = $2)`, sc.TenantID(), email).Scan(&alreadyMember); err != nil {
			return err
		}
		if alreadyMember {
			return validate.Errors{"email": "people.already_member"}
		}
		var err error
		inv, err = q.InvitationCreate(ctx, dbsqlc.InvitationCreateParams{
			TenantID: sc.TenantID(), Email: email, Role: string(role), TokenHash: hashToken(token),
			InvitedBy: uuid.NullUUID{UUID: sc.UserID, Valid: true}, ExpiresAt: s.now().Add(InvitationTTL),
		})
		if err != nil {
			return err
		}
		if err := s.queueInviteMail(ctx, tx, inv, token); err != nil {
			return err
		}
		return Audit(ctx, q, sc, "invitation.created", map[string]any{"email": email, "role": role, "invitation_id": inv.ID})
	})
	if err != nil {
		return Invitation{}, "", err
	}
	return inv, token, nil
}

// PendingInvitations lists invitations not yet accepted or revoked (expired ones included, marked
// by their expiry).
func (s *Service) PendingInvitations(ctx context.Context, sc Scope) ([]Invitation, error) {
	if err := sc.Require(RoleAdmin); err != nil {
		return nil, err
	}
	var out []Invitation
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.InvitationListPending(ctx, sc.TenantID())
		return err
	})
	return out, err
}

// RevokeInvitation makes a pending link stop working.
func (s *Service) RevokeInvitation(ctx context.Context, sc Scope, id uuid.UUID) error {
	if err := sc.Require(RoleAdmin); err != nil {
		return err
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.InvitationRevoke(ctx, dbsqlc.InvitationRevokeParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return Audit(ctx, q, sc, "invitation.revoked", map[string]any{"invitation_id": id})
	})
}

// OpenInvitation finds a link's invitation and says whether it can still be used. It also reports
// whether an account with the invited email exists, so the page can offer sign-in or sign-up.
func (s *Service) OpenInvitation(ctx context.Context, slug, token string) (Workspace, Invitation, bool, error) {
	ws, err := s.BySlug(ctx, slug)
	if err != nil {
		return ws, Invitation{}, false, err
	}
	var inv Invitation
	var hasAccount bool
	err = s.st.InTenantTx(ctx, ws.ID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		inv, err = q.InvitationByToken(ctx, dbsqlc.InvitationByTokenParams{TenantID: ws.ID, TokenHash: hashToken(token)})
		if err != nil {
			return store.NotFound(err)
		}
		_, err = q.UserByEmail(ctx, inv.Email)
		hasAccount = err == nil
		return nil
	})
	if err != nil {
		return ws, inv, false, err
	}
	return ws, inv, hasAccount, s.usable(inv)
}

func (s *Service) usable(inv Invitation) error {
	switch {
	case inv.AcceptedAt != nil:
		return ErrInvitationUsed
	case inv.RevokedAt != nil:
		return ErrInvitationRevoked
	case !inv.ExpiresAt.After(s.now()):
		return ErrInvitationExpired
	}
	return nil
}

// AcceptInvitation adds a signed-in person to the workspace. The person's email must be the
// invited one: a forwarded link does not let somebody else in.
func (s *Service) AcceptInvitation(ctx context.Context, slug, token string, userID uuid.UUID) (Scope, error) {
	ws, inv, _, err := s.OpenInvitation(ctx, slug, token)
	if err != nil {
		return Scope{}, err
	}
	var sc Scope
	err = s.st.InTenantTx(ctx, ws.ID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		u, err := q.UserByID(ctx, userID)
		if err != nil {
			return store.NotFound(err)
		}
		if u.Email != inv.Email {
			return ErrInvitationOtherEmail
		}
		sc, err = s.join(ctx, q, ws, inv, userID)
		return err
	})
	return sc, err
}

// AcceptInvitationNewAccount creates the invited person's account and adds it to the workspace.
func (s *Service) AcceptInvitationNewAccount(ctx context.Context, slug, token, name, password, confirm string) (Scope, error) {
	ws, inv, hasAccount, err := s.OpenInvitation(ctx, slug, token)
	if err != nil {
		return Scope{}, err
	}
	errs := validate.Errors{}
	if hasAccount {
		errs.Add("email", "signup.email_taken")
	}
	name = auth.CheckName(errs, "name", name)
	auth.CheckNewPassword(errs, "password", password)
	if password != confirm {
		errs.Add("confirm_password", "auth.passwords_differ")
	}
	if err := errs.Err(); err != nil {
		return Scope{}, err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return Scope{}, err
	}
	var sc Scope
	err = s.st.InTenantTx(ctx, ws.ID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		u, err := q.UserCreate(ctx, dbsqlc.UserCreateParams{Email: inv.Email, Name: name, PasswordHash: hash})
		if _, ok := store.UniqueViolation(err); ok {
			return validate.Errors{"email": "signup.email_taken"}
		} else if err != nil {
			return err
		}
		sc, err = s.join(ctx, q, ws, inv, u.ID)
		return err
	})
	return sc, err
}

func (s *Service) join(ctx context.Context, q *dbsqlc.Queries, ws Workspace, inv Invitation, userID uuid.UUID) (Scope, error) {
	sc := Scope{Workspace: ws, UserID: userID, Role: Role(inv.Role)}
	if _, err := q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: ws.ID, UserID: userID}); err == nil {
		return Scope{}, validate.Errors{"email": "people.already_member"}
	}
	if err := q.MembershipCreate(ctx, dbsqlc.MembershipCreateParams{TenantID: ws.ID, UserID: userID, Role: inv.Role}); err != nil {
		return Scope{}, fmt.Errorf("tenant: join %s: %w", ws.Slug, err)
	}
	// The conditional update is what makes the link single-use when two people race for it.
	n, err := q.InvitationAccept(ctx, dbsqlc.InvitationAcceptParams{TenantID: ws.ID, ID: inv.ID, AcceptedBy: uuid.NullUUID{UUID: userID, Valid: true}})
	if err != nil {
		return Scope{}, err
	}
	if n == 0 {
		return Scope{}, ErrInvitationUsed
	}
	return sc, Audit(ctx, q, sc, "invitation.accepted", map[string]any{"invitation_id": inv.ID, "role": inv.Role})
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
