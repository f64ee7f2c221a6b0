package ui

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/pages"
)

func (h *Handler) accountView(r *http.Request) pages.AccountView {
	u := currentUser(r.Context())
	v := pages.AccountView{Shell: h.shell(r, i18n.T(r.Context(), "account.title"), "account"), Name: u.Name, Email: u.Email, Language: u.Language,
		TimeZone: u.TimeZone, TimeZones: timeZones}
	if u.TimeZone != "" && !slices.Contains(timeZones, u.TimeZone) {
		v.TimeZones = append([]string{u.TimeZone}, timeZones...)
	}
	for _, m := range memberships(r.Context()) {
		v.Workspaces = append(v.Workspaces, pages.WorkspaceItem{Slug: m.Tenant.Slug, Name: m.Tenant.Name, Role: m.Role})
	}
	return v
}

func (h *Handler) showAccount(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, pages.Account(h.accountView(r)))
}

func (h *Handler) saveAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(ctx)
	err := inputProblems(r)
	if err == nil {
		err = h.Auth.SaveProfile(ctx, u.ID, r.PostFormValue("name"), r.PostFormValue("language"), r.PostFormValue("time_zone"), i18n.Languages)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v := h.accountView(r)
		v.Name, v.Language, v.TimeZone, v.ProfileErrors = r.PostFormValue("name"), r.PostFormValue("language"), r.PostFormValue("time_zone"), fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.Account(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "account.saved")
	seeOther(w, r, "/account")
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(ctx)
	var nu auth.User
	err := inputProblems(r)
	if err == nil {
		nu, err = h.Auth.ChangePassword(ctx, u.ID, r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("confirm_password"))
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v := h.accountView(r)
		v.PasswordErrors = fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.Account(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// This session continues under a new token; every other session of the person ends.
	if err := h.signIn(ctx, nu); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "account.password_changed")
	seeOther(w, r, "/account")
}

func (h *Handler) showWorkspaces(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := pages.WorkspacesView{Shell: h.shell(r, i18n.T(ctx, "workspaces.title"), "workspaces")}
	for _, m := range memberships(ctx) {
		v.Items = append(v.Items, pages.WorkspaceItem{Slug: m.Tenant.Slug, Name: m.Tenant.Name, Role: m.Role})
	}
	h.render(w, r, http.StatusOK, pages.Workspaces(v))
}

func (h *Handler) workspaceHome(w http.ResponseWriter, r *http.Request) {
	seeOther(w, r, "/w/"+currentScope(r.Context()).Workspace.Slug+"/inbox")
}

func itoa(n int) string { return strconv.Itoa(n) }
