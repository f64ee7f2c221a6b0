package ui

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/pages"
)

// inviteView describes what the invitation page can offer this visitor.
func (h *Handler) inviteView(r *http.Request) (pages.InviteView, error) {
	ctx := r.Context()
	slug, token := chi.URLParam(r, "workspace"), chi.URLParam(r, "token")
	ws, inv, hasAccount, err := h.Tenants.OpenInvitation(ctx, slug, token)
	v := pages.InviteView{Action: r.URL.Path, WorkspaceName: ws.Name, Email: inv.Email, Role: inv.Role, HasAccount: hasAccount}
	switch {
	case errors.Is(err, tenant.ErrInvitationExpired):
		v.Problem = "invite.expired"
	case errors.Is(err, tenant.ErrInvitationUsed):
		v.Problem = "invite.used"
	case errors.Is(err, tenant.ErrInvitationRevoked):
		v.Problem = "invite.revoked"
	case err != nil:
		return v, err
	}
	if u := currentUser(ctx); u != nil {
		v.SignedInAs = u.Email
		if u.Email != inv.Email && v.Problem == "" {
			v.Problem = "invite.other_email"
		}
	}
	return v, nil
}

func (h *Handler) showInvite(w http.ResponseWriter, r *http.Request) {
	v, err := h.inviteView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.Invite(v))
}

func (h *Handler) acceptInvite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := h.inviteView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Problem != "" {
		h.render(w, r, http.StatusConflict, pages.Invite(v))
		return
	}
	slug, token := chi.URLParam(r, "workspace"), chi.URLParam(r, "token")
	var sc tenant.Scope
	if err = inputProblems(r); err != nil {
		v.Name = r.PostFormValue("name")
	} else if u := currentUser(ctx); u != nil {
		sc, err = h.Tenants.AcceptInvitation(ctx, slug, token, u.ID)
	} else {
		v.Name = r.PostFormValue("name")
		sc, err = h.Tenants.AcceptInvitationNewAccount(ctx, slug, token, v.Name, r.PostFormValue("password"), r.PostFormValue("confirm_password"))
		if err == nil {
			u, uerr := h.Auth.UserByID(ctx, sc.UserID)
			if uerr == nil {
				uerr = h.signIn(ctx, u)
			}
			err = uerr
		}
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v.Errors = fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.Invite(v))
		return
	}
	if errors.Is(err, tenant.ErrInvitationUsed) || errors.Is(err, tenant.ErrInvitationOtherEmail) {
		h.showInvite(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "invite.joined")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/inbox")
}
