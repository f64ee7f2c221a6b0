package ui

import (
	"bytes"
	"net/http"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/web/pages"
)

// notFound is every unknown path's answer: the styled error page in the app's frame.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) { h.fail(w, r, store.ErrNotFound) }

// methodNotAllowed answers a known path asked for with a method it does not take (a bookmarked
// form action, a link to a POST-only route) with the styled page.
func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := i18n.FromContext(ctx)
	page := pages.ErrorPage(h.shell(r, p.T("common.not_allowed"), ""), http.StatusMethodNotAllowed, p.T("common.not_allowed_body"))
	var buf bytes.Buffer
	if err := page.Render(ctx, &buf); err != nil {
		h.fail(w, r, err)
		return
	}
	writePage(w, http.StatusMethodNotAllowed, &buf)
}
