package tenant

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// SignUpInput creates a workspace and, unless an existing person signs up, its first admin.
type SignUpInput struct {
	Workspace WorkspaceInput
	Name      string
	Email     string
	Password  string
}

// SignUp creates the workspace and makes the person its admin, in one transaction. existing is
// the signed-in person creating another workspace, or uuid.Nil for a new person.
func (s *Service) SignUp(ctx context.Context, in SignUpInput, existing uuid.UUID, languages []string) (Workspace, uuid.UUID, error) {
	errs := validate.Errors{}
	in.Workspace.check(errs, languages, true)
	var hash string
	if existing == uuid.Nil {
		in.Name = auth.CheckName(errs, "name", in.Name)
		var ok bool
		if in.Email, ok = validate.Email(in.Email); !ok {
			errs.Add("email", "auth.email_invalid")
		}
		auth.CheckNewPassword(errs, "password", in.Password)
		if len(errs) == 0 {
			var err error
			if hash, err = s.hashPassword(ctx, in.Password); err != nil {
				return Workspace{}, uuid.Nil, err
			}
		}
	}
	// Taken slug and email are reported with the other field problems; the unique constraints
	// below remain the guard against a race.
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if _, ok := errs["slug"]; !ok {
			if _, err := q.TenantBySlug(ctx, in.Workspace.Slug); err == nil {
				errs.Add("slug", "workspace.slug_taken")
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if _, ok := errs["email"]; !ok && existing == uuid.Nil {
			if _, err := q.UserByEmail(ctx, in.Email); err == nil {
				errs.Add("email", "signup.email_taken")
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Workspace{}, uuid.Nil, fmt.Errorf("tenant: sign up checks: %w", err)
	}
	if err := errs.Err(); err != nil {
		return Workspace{}, uuid.Nil, err
	}
	var ws Workspace
	userID := existing
	err = s.st.InTx(ctx, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		if existing == uuid.Nil {
			u, err := q.UserCreate(ctx, dbsqlc.UserCreateParams{Email: in.Email, Name: in.Name, PasswordHash: hash, Language: ""})
			if c, ok := store.UniqueViolation(err); ok && c == "users_email_key" {
				return validate.Errors{"email": "signup.email_taken"}
			} else if err != nil {
				return err
			}
			userID = u.ID
		}
		var err error
		ws, err = q.TenantCreate(ctx, dbsqlc.TenantCreateParams{Slug: in.Workspace.Slug, Name: in.Workspace.Name, TimeZone: in.Workspace.TimeZone, DefaultLanguage: in.Workspace.Language})
		if c, ok := store.UniqueViolation(err); ok && c == "tenants_slug_key" {
			return validate.Errors{"slug": "workspace.slug_taken"}
		} else if err != nil {
			return err
		}
		if err := store.Pin(ctx, tx, ws.ID); err != nil {
			return err
		}
		if err := q.MembershipCreate(ctx, dbsqlc.MembershipCreateParams{TenantID: ws.ID, UserID: userID, Role: string(RoleAdmin)}); err != nil {
			return err
		}
		if s.OnCreate != nil {
			if err := s.OnCreate(ctx, q, tx, ws); err != nil {
				return err
			}
		}
		first := Scope{Workspace: ws, UserID: userID, Role: RoleAdmin}
		return Audit(ctx, q, first, "workspace.created", map[string]any{"slug": ws.Slug})
	})
	if err != nil {
		if _, ok := err.(validate.Errors); ok {
			return Workspace{}, uuid.Nil, err
		}
		return Workspace{}, uuid.Nil, fmt.Errorf("tenant: sign up %q: %w", in.Workspace.Slug, err)
	}
	return ws, userID, nil
}
