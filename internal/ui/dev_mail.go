package ui

import (
	"net/http"

	"github.com/shopdesk/shopdesk/web/pages"
)

// The development mail sink's pages are routed only when the sink is in use (never in production);
// they show every message kept, to anyone who can reach the development server.

func (h *Handler) showDevMail(w http.ResponseWriter, r *http.Request) {
	msgs, err := h.MailSink.List(r.Context(), 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.DevMail(pages.DevMailView{Messages: msgs}))
}

func (h *Handler) showDevMessage(w http.ResponseWriter, r *http.Request) {
	id, err := idParam(r, "mailID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.MailSink.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.DevMessage(pages.DevMessageView{Message: m, Parts: pages.Linkify(m.Text)}))
}
