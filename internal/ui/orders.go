package ui

import (
	"errors"
	"net/http"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/pages"
)

// linkOrder links the ticket to the workspace's order with the number typed. A refusal (no such
// order, the number on several marketplaces) comes back under the field with what was typed.
func (h *Handler) linkOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc, n, ok := h.knownTicket(w, r)
	if !ok {
		return
	}
	form := &pages.OrderLinkForm{}
	if err := inputProblems(r); err != nil {
		errs, _ := fieldErrors(ctx, err)
		if form.Error = errs["order_number"]; form.Error == "" {
			form.Error = errs["order_marketplace"]
		}
		h.refuseOrderLink(w, r, form)
		return
	}
	form.Number = r.PostFormValue("order_number")
	err := h.Conversations.LinkOrder(ctx, sc, n, form.Number, r.PostFormValue("order_marketplace"))
	if amb, ok := errors.AsType[*conversation.AmbiguousOrderError](err); ok {
		form.Marketplaces = amb.Marketplaces
		form.Error = i18n.T(ctx, "order_link.pick_marketplace", form.Number)
		h.refuseOrderLink(w, r, form)
		return
	}
	if errors.Is(err, conversation.ErrNoSuchOrder) {
		form.Error = i18n.T(ctx, "order_link.not_found", form.Number)
		h.refuseOrderLink(w, r, form)
		return
	}
	if errs, ok := fieldErrors(ctx, err); ok {
		form.Error = errs["order_number"]
		h.refuseOrderLink(w, r, form)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "order.linked_done")
	seeOther(w, r, h.ticketURL(r, n))
}

// refuseOrderLink shows the ticket again with the order form's reason at the field.
func (h *Handler) refuseOrderLink(w http.ResponseWriter, r *http.Request, form *pages.OrderLinkForm) {
	tv, err := h.ticketView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tv.OrderLink = form
	h.renderTicket(w, r, http.StatusUnprocessableEntity, tv)
}

// unlinkOrder removes the ticket's order link.
func (h *Handler) unlinkOrder(w http.ResponseWriter, r *http.Request) {
	h.ticketAction(w, r, func(sc tenant.Scope, n int64) (int64, error) {
		return same(h.Conversations.UnlinkOrder(r.Context(), sc, n))
	}, "order.unlinked_done")
}
