package ui

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/pages"
)

// setRoleInPlace is a role change made from the people list with htmx: it answers with the role
// cell only, saying "Saved" quietly, or giving the reason (such as the last admin) at the field
// with the role as stored.
func (h *Handler) setRoleInPlace(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuid.Parse(chi.URLParam(r, "userID"))
	if err != nil {
		h.fail(w, r, store.ErrNotFound)
		return
	}
	if err = inputProblems(r); err == nil {
		err = h.Tenants.SetRole(ctx, sc, id, tenant.Role(r.PostFormValue("role")))
	}
	saved, problem := "", ""
	if key, ok := firstProblem(err); ok {
		problem = i18n.T(ctx, key)
	} else if err != nil {
		h.fail(w, r, err)
		return
	} else {
		saved = i18n.T(ctx, "people.role_saved")
	}
	members, err := h.Tenants.Members(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, m := range members {
		if m.UserID == id {
			row := pages.MemberRow{UserID: m.UserID.String(), Name: m.Name, Email: m.Email, Role: string(m.Role)}
			h.render(w, r, http.StatusOK, pages.PeopleRoleCell(sc.Workspace.Slug, row, saved, problem))
			return
		}
	}
	h.fail(w, r, store.ErrNotFound)
}
