package ui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/pages"
)

// home sends a signed-in person to their first workspace and everyone else to sign in.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r.Context())
	if u == nil {
		seeOther(w, r, "/login")
		return
	}
	if ws := memberships(r.Context()); len(ws) == 1 {
		seeOther(w, r, "/w/"+ws[0].Tenant.Slug+"/inbox")
		return
	}
	seeOther(w, r, "/workspaces")
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request) {
	if currentUser(r.Context()) != nil {
		seeOther(w, r, "/")
		return
	}
	h.render(w, r, http.StatusOK, pages.Login(pages.LoginView{Next: safeNext(r.URL.Query().Get("next")), Flash: h.popFlash(r)}))
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := i18n.FromContext(ctx)
	v := pages.LoginView{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	if err := inputProblems(r); err != nil {
		// The frame shows the problem above the form (components.AuthPage).
		h.render(w, r, http.StatusUnprocessableEntity, pages.Login(v))
		return
	}
	u, err := h.Auth.Authenticate(ctx, v.Email, r.PostFormValue("password"), middleware.GetClientIP(ctx))
	if throttled, ok := errors.AsType[*auth.ThrottledError](err); ok {
		minutes := int(throttled.RetryAfter(time.Now()) / time.Minute)
		key := "login.throttled_account"
		switch throttled.Scope {
		case auth.ScopeAddress:
			key = "login.throttled_address"
		case auth.ScopeAccountWide:
			key = "login.throttled_account_wide"
		}
		v.Error = p.N(key, minutes)
		w.Header().Set("Retry-After", itoa(minutes*60))
		h.render(w, r, http.StatusTooManyRequests, pages.Login(v))
		return
	}
	if errors.Is(err, auth.ErrBusy) {
		v.Error = p.T("login.busy")
		w.Header().Set("Retry-After", "2")
		h.render(w, r, http.StatusServiceUnavailable, pages.Login(v))
		return
	}
	if errors.Is(err, auth.ErrBadCredentials) {
		v.Error = p.T("login.bad_credentials")
		h.render(w, r, http.StatusUnprocessableEntity, pages.Login(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.signIn(ctx, u); err != nil {
		h.fail(w, r, err)
		return
	}
	seeOther(w, r, orDefault(v.Next, "/"))
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := h.sessions.Destroy(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	// A fresh, anonymous session carries the "signed out" message.
	if err := h.sessions.RenewToken(ctx); err == nil {
		h.flash(r, "success", "login.signed_out")
	}
	seeOther(w, r, "/login")
}

func (h *Handler) showSignup(w http.ResponseWriter, r *http.Request) {
	p := i18n.FromContext(r.Context())
	v := pages.SignupView{SignedIn: currentUser(r.Context()) != nil, TimeZone: "UTC", Language: p.Lang(), TimeZones: timeZones}
	h.render(w, r, http.StatusOK, pages.Signup(v))
}

func (h *Handler) signup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(ctx)
	v := pages.SignupView{
		SignedIn:      u != nil,
		WorkspaceName: r.PostFormValue("workspace_name"),
		Slug:          r.PostFormValue("slug"),
		TimeZone:      r.PostFormValue("time_zone"),
		Language:      r.PostFormValue("language"),
		Name:          r.PostFormValue("name"),
		Email:         r.PostFormValue("email"),
		TimeZones:     timeZones,
	}
	existing := uuid.Nil
	if u != nil {
		existing = u.ID
	}
	var ws tenant.Workspace
	var userID uuid.UUID
	err := inputProblems(r)
	if err == nil {
		ws, userID, err = h.Tenants.SignUp(ctx, tenant.SignUpInput{
			Workspace: tenant.WorkspaceInput{Name: v.WorkspaceName, Slug: v.Slug, TimeZone: v.TimeZone, Language: v.Language},
			Name:      v.Name, Email: v.Email, Password: r.PostFormValue("password"),
		}, existing, i18n.Languages)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v.Errors = fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.Signup(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if u == nil {
		nu, err := h.Auth.UserByID(ctx, userID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if err := h.signIn(ctx, nu); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.flash(r, "success", "signup.created")
	seeOther(w, r, "/w/"+ws.Slug+"/settings/people")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
