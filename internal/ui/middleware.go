package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/reqctx"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/components"
)

type ctxKey int

const (
	userKey ctxKey = iota
	scopeKey
	membershipsKey
)

// Session keys.
const (
	sessUserID = "user_id"
	// sessPasswordVersion pins the session to the password it was opened with: changing the
	// password ends every other session of the person.
	sessPasswordVersion = "pwv"
)

func currentUser(ctx context.Context) *auth.User {
	u, _ := ctx.Value(userKey).(*auth.User)
	return u
}

// memberships are the signed-in person's workspaces, loaded with the person.
func memberships(ctx context.Context) []tenant.Membership {
	ms, _ := ctx.Value(membershipsKey).([]tenant.Membership)
	return ms
}

func currentScope(ctx context.Context) tenant.Scope {
	sc, _ := ctx.Value(scopeKey).(tenant.Scope)
	return sc
}

// loadUser puts the signed-in person, if any, into the request.
func (h *Handler) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		raw := h.sessions.GetString(ctx, sessUserID)
		if raw == "" {
			next.ServeHTTP(w, r)
			return
		}
		id, err := uuid.Parse(raw)
		if err != nil {
			_ = h.sessions.Destroy(ctx)
			next.ServeHTTP(w, r)
			return
		}
		u, ms, err := h.Tenants.Person(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && h.sessions.GetInt64(ctx, sessPasswordVersion) != u.PasswordChangedAt.UnixNano()) {
			_ = h.sessions.Destroy(ctx)
			next.ServeHTTP(w, r)
			return
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
		reqctx.SetUser(ctx, u.ID)
		ctx = context.WithValue(ctx, userKey, &u)
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, membershipsKey, ms)))
	})
}

// signIn starts a fresh session for the person; the token is renewed against session fixation.
func (h *Handler) signIn(ctx context.Context, u auth.User) error {
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessUserID, u.ID.String())
	h.sessions.Put(ctx, sessPasswordVersion, u.PasswordChangedAt.UnixNano())
	return nil
}

// language picks the interface language and time zone for the request: the person's setting, then
// the browser's, then the workspace's default (set again by workspace once it is known); the
// person's own time zone, else UTC outside a workspace.
func (h *Handler) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setting, zone := "", ""
		if u := currentUser(r.Context()); u != nil {
			setting, zone = u.Language, u.TimeZone
		}
		lang := i18n.Match(setting, r.Header.Get("Accept-Language"), "")
		ctx := i18n.WithPrinter(r.Context(), i18n.NewPrinter(lang, notify.Location(zone, "")))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (h *Handler) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r.Context()) == nil {
			if r.Method == http.MethodGet {
				seeOther(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
				return
			}
			http.Error(w, i18n.T(r.Context(), "auth.signed_out"), http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// workspace resolves /w/{workspace} to the person's membership. Someone who is not a member gets
// the same 404 as for a workspace that does not exist.
func (h *Handler) workspace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u := currentUser(ctx)
		sc, err := tenant.ScopeIn(memberships(ctx), chi.URLParam(r, "workspace"), u.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		reqctx.SetTenant(ctx, sc.TenantID())
		// Every time shown is in the viewer's own zone, or the workspace's when they chose none.
		loc := notify.Location(u.TimeZone, sc.Workspace.TimeZone)
		lang := i18n.Match(u.Language, r.Header.Get("Accept-Language"), sc.Workspace.DefaultLanguage)
		ctx = i18n.WithPrinter(ctx, i18n.NewPrinter(lang, loc))
		ctx = context.WithValue(ctx, scopeKey, sc)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireRole answers 403 to anyone below min, whatever the method: a forged POST is refused
// exactly like the page.
func (h *Handler) requireRole(min tenant.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := currentScope(r.Context()).Require(min); err != nil {
				h.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// shell is the page frame's view model for the current request.
func (h *Handler) shell(r *http.Request, title, active string) components.Shell {
	s := h.frame(r, title, active)
	if s.Workspace != nil {
		s.Unread = h.bellCount(r)
	}
	return s
}

// frame is shell without the bell's count, for pages that read it in their own round trip
// (notify.UnreadPart).
func (h *Handler) frame(r *http.Request, title, active string) components.Shell {
	ctx := r.Context()
	s := components.Shell{Title: title, Active: active, Flash: h.popFlash(r)}
	if key := problemSummary(ctx); key != "" && s.Flash == nil {
		s.Flash = &components.Flash{Kind: "error", Message: i18n.T(ctx, key)}
	}
	u := currentUser(ctx)
	if u == nil {
		return s
	}
	s.User = &components.ShellUser{Name: u.Name, Email: u.Email}
	if sc := currentScope(ctx); sc.UserID != uuid.Nil {
		s.Workspace = &components.ShellWorkspace{Slug: sc.Workspace.Slug, Name: sc.Workspace.Name, Role: string(sc.Role)}
	}
	for _, m := range memberships(ctx) {
		s.Workspaces = append(s.Workspaces, components.ShellWorkspace{Slug: m.Tenant.Slug, Name: m.Tenant.Name, Role: m.Role, Availability: m.Availability})
		if s.Workspace != nil && m.Tenant.Slug == s.Workspace.Slug {
			s.Workspace.Availability = m.Availability
		}
	}
	return s
}
