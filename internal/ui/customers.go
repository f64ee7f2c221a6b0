package ui

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/validate"
	"github.com/shopdesk/shopdesk/web/pages"
)

func customerParam(r *http.Request) (uuid.UUID, error) { return uuidParam(r, "customerID") }

func (h *Handler) customerURL(r *http.Request, id uuid.UUID) string {
	return "/w/" + currentScope(r.Context()).Workspace.Slug + "/customers/" + id.String()
}

// showCustomer is the customer page: name, addresses and identities, tickets, and "merge into
// another customer" with a search for that customer (?q=).
func (h *Handler) showCustomer(w http.ResponseWriter, r *http.Request) {
	h.renderCustomer(w, r, http.StatusOK, nil)
}

func (h *Handler) renderCustomer(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := customerParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, err := h.Conversations.Customer(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := pages.CustomerView{Shell: h.shell(r, c.Customer.Name, "inbox"), Slug: sc.Workspace.Slug, Page: c, Query: r.URL.Query().Get("q"), Errors: errs}
	if v.Query != "" && !c.Customer.MergedInto.Valid {
		if v.Found, err = h.Conversations.SearchCustomers(ctx, sc, v.Query, id); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if v.Shell.Title == "" {
		v.Shell.Title = i18n.FromContext(ctx).T("customer.title")
	}
	h.render(w, r, status, pages.Customer(v))
}

func (h *Handler) mergeCustomer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := customerParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	target, err := uuid.Parse(r.PostFormValue("target"))
	if perr := inputProblems(r); perr != nil {
		err = perr
	} else if err == nil {
		_, err = h.Conversations.MergeCustomers(ctx, sc, id, target)
	} else {
		err = validate.Errors{"target": "customer_merge.pick"}
	}
	if err != nil {
		if errs, ok := fieldErrors(ctx, err); ok {
			h.renderCustomer(w, r, http.StatusUnprocessableEntity, errs)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "customer_merge.done")
	seeOther(w, r, h.customerURL(r, target))
}

func (h *Handler) undoCustomerMerge(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := customerParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mergeID, err := idParam(r, "mergeID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Conversations.UndoCustomerMerge(ctx, sc, mergeID); err != nil {
		if key, ok := firstProblem(err); ok {
			h.flash(r, "error", key)
			seeOther(w, r, h.customerURL(r, id))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "customer_merge.undone")
	seeOther(w, r, h.customerURL(r, id))
}
