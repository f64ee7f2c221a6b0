// Package tenant holds workspaces (tenants), the people in them and their roles, and invitations.
// Every operation inside a workspace takes an explicit Scope and runs pinned to that workspace.
package tenant

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Role is a person's role in one workspace.
type Role string

// Roles, from least to most powerful.
const (
	RoleAgent   Role = "agent"
	RoleManager Role = "manager"
	RoleAdmin   Role = "admin"
)

// Roles lists every role in order.
var Roles = []Role{RoleAgent, RoleManager, RoleAdmin}

func (r Role) rank() int {
	switch r {
	case RoleAgent:
		return 1
	case RoleManager:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// AtLeast reports whether r grants everything min grants.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// ErrForbidden is returned when the scope's role does not allow an action.
var ErrForbidden = errors.New("tenant: forbidden")

// Workspace is one tenant.
type Workspace = dbsqlc.Tenant

// Scope is who acts in which workspace; every workspace operation takes one explicitly.
type Scope struct {
	Workspace Workspace
	UserID    uuid.UUID
	Role      Role
}

// TenantID is the workspace's id, for queries.
func (s Scope) TenantID() uuid.UUID { return s.Workspace.ID }

// Require returns ErrForbidden unless the scope's role is at least min.
func (s Scope) Require(min Role) error {
	if !s.Role.AtLeast(min) {
		return fmt.Errorf("%w: %s needs %s", ErrForbidden, s.Role, min)
	}
	return nil
}

// Service manages workspaces.
type Service struct {
	st  *store.Store
	now func() time.Time
	// OnCreate fills a new workspace with its defaults (calendar, SLA presets, rules) in the
	// sign-up transaction.
	OnCreate func(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, ws Workspace) error
	// invitations are mailed by a job (see UseMail).
	mail inviteMail
	// hashFn hashes a new password; UseHasher puts it under the process's cap on password
	// hashing (auth.Service.Hash).
	hashFn func(ctx context.Context, password string) (string, error)
}

// UseHasher makes sign-up and invitation acceptance hash passwords within the process's cap.
func (s *Service) UseHasher(fn func(ctx context.Context, password string) (string, error)) {
	s.hashFn = fn
}

func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	if s.hashFn != nil {
		return s.hashFn(ctx, password)
	}
	return auth.HashPassword(password)
}

// New builds the service.
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

// Resolve finds the workspace by slug and the person's membership in it. A workspace that does
// not exist and one the person does not belong to are both store.ErrNotFound, so nobody can
// probe which slugs exist.
func (s *Service) Resolve(ctx context.Context, slug string, userID uuid.UUID) (Scope, error) {
	var sc Scope
	var ws Workspace
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		ws, err = q.TenantBySlug(ctx, slug)
		return store.NotFound(err)
	})
	if err != nil {
		return sc, err
	}
	err = s.st.InTenantTx(ctx, ws.ID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		m, err := q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: ws.ID, UserID: userID})
		if err != nil {
			return store.NotFound(err)
		}
		sc = Scope{Workspace: ws, UserID: userID, Role: Role(m.Role)}
		return nil
	})
	return sc, err
}

// BySlug loads a workspace without any membership check (invitation pages, sign-up checks).
func (s *Service) BySlug(ctx context.Context, slug string) (Workspace, error) {
	var ws Workspace
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		ws, err = q.TenantBySlug(ctx, slug)
		return store.NotFound(err)
	})
	return ws, err
}

// ByID loads a workspace by id without any membership check (background jobs).
func (s *Service) ByID(ctx context.Context, id uuid.UUID) (Workspace, error) {
	var ws Workspace
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		ws, err = q.TenantByID(ctx, id)
		return store.NotFound(err)
	})
	return ws, err
}

// Membership is one workspace a person belongs to.
type Membership = dbsqlc.MembershipWorkspacesRow

// Workspaces lists every workspace of a person, for the switcher.
func (s *Service) Workspaces(ctx context.Context, userID uuid.UUID) ([]Membership, error) {
	var out []Membership
	err := s.st.InUserTx(ctx, userID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.MembershipWorkspaces(ctx, userID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tenant: workspaces of %s: %w", userID, err)
	}
	return out, nil
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$`)

// reservedSlugs would collide with the product's own pages or confuse people.
var reservedSlugs = map[string]bool{"admin": true, "api": true, "app": true, "static": true, "www": true, "new": true, "signup": true, "login": true, "settings": true}

// WorkspaceInput is what sign-up and the workspace settings page edit.
type WorkspaceInput struct {
	Name     string
	Slug     string
	TimeZone string
	Language string
}

func (in *WorkspaceInput) check(errs validate.Errors, languages []string, withSlug bool) {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		errs.Add("workspace_name", "common.required")
	case utf8.RuneCountInString(in.Name) > 200:
		errs.Add("workspace_name", "workspace.name_too_long")
	}
	if withSlug {
		in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
		switch {
		case in.Slug == "":
			errs.Add("slug", "common.required")
		case !slugPattern.MatchString(in.Slug):
			errs.Add("slug", "workspace.slug_invalid")
		case reservedSlugs[in.Slug]:
			errs.Add("slug", "workspace.slug_taken")
		}
	}
	if in.TimeZone == "" {
		errs.Add("time_zone", "common.required")
	} else if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		errs.Add("time_zone", "workspace.time_zone_invalid")
	}
	ok := false
	for _, l := range languages {
		ok = ok || l == in.Language
	}
	if !ok {
		errs.Add("language", "workspace.language_invalid")
	}
}

// Update saves a workspace's name, time zone and default language (admins only).
func (s *Service) Update(ctx context.Context, sc Scope, in WorkspaceInput, languages []string) (Workspace, error) {
	if err := sc.Require(RoleAdmin); err != nil {
		return Workspace{}, err
	}
	errs := validate.Errors{}
	in.check(errs, languages, false)
	if err := errs.Err(); err != nil {
		return Workspace{}, err
	}
	var ws Workspace
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		ws, err = q.TenantUpdate(ctx, dbsqlc.TenantUpdateParams{ID: sc.TenantID(), Name: in.Name, TimeZone: in.TimeZone, DefaultLanguage: in.Language})
		if err != nil {
			return err
		}
		return Audit(ctx, q, sc, "workspace.updated", map[string]any{"name": in.Name, "time_zone": in.TimeZone, "language": in.Language})
	})
	return ws, err
}

// Person loads a signed-in person and every workspace they belong to, in one round trip: the
// request needs both on every page (the session check, the workspace switcher and the role in
// the workspace of the URL).
func (s *Service) Person(ctx context.Context, userID uuid.UUID) (dbsqlc.User, []Membership, error) {
	var u dbsqlc.User
	var ms []Membership
	err := s.st.AsUserPipeline(ctx, userID, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		var err error
		if u, err = q.UserByID(ctx, userID); err != nil {
			return store.NotFound(err)
		}
		ms, err = q.MembershipWorkspaces(ctx, userID)
		return err
	})
	return u, ms, err
}

// ScopeIn finds the workspace with slug among a person's memberships; not being a member and a
// workspace that does not exist are the same store.ErrNotFound.
func ScopeIn(ms []Membership, slug string, userID uuid.UUID) (Scope, error) {
	for _, m := range ms {
		if m.Tenant.Slug == slug {
			return Scope{Workspace: m.Tenant, UserID: userID, Role: Role(m.Role)}, nil
		}
	}
	return Scope{}, store.ErrNotFound
}
