package ui

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/web/pages"
)

// notFound is every unknown path's answer: the styled error page in the app's frame.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) { h.fail(w, r, store.ErrNotFound) }

// NotFoundPage answers with the styled not-found page in the visitor's language, for paths the
// server refuses before they reach the routes (a path that is not valid UTF-8).
func (h *Handler) NotFoundPage() http.Handler {
	return limitPages(rememberSession(h.sessions.LoadAndSave(h.loadUser(h.language(http.HandlerFunc(h.notFound))))))
}

// methodNotAllowed answers a known path asked for with a method it does not take (a bookmarked
// form action, a link to a POST-only route) with the styled page.
func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := i18n.FromContext(ctx)
	if wantsJSON(r) {
		writeJSONError(w, http.StatusMethodNotAllowed, p.T("common.not_allowed_body"))
		return
	}
	page := pages.ErrorPage(h.shell(r, p.T("common.not_allowed"), ""), http.StatusMethodNotAllowed, p.T("common.not_allowed_body"))
	var buf bytes.Buffer
	if err := page.Render(ctx, &buf); err != nil {
		h.fail(w, r, err)
		return
	}
	writePage(w, http.StatusMethodNotAllowed, &buf)
}

// wantsJSON is true for a request that asks for JSON and not for a page (a script's fetch of a
// JSON endpoint): its errors keep that kind.
func wantsJSON(r *http.Request) bool {
	html, js := false, false
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch {
		case mt == "text/html" || mt == "application/xhtml+xml":
			html = true
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			js = true
		}
	}
	return js && !html
}

// failJSON is fail for endpoints that answer JSON whatever the request asked for: the same
// statuses, the message as {"error": "…"} in the reader's language.
func (h *Handler) failJSON(w http.ResponseWriter, r *http.Request, err error) {
	if status, key, ok := h.classify(w, r, err); ok {
		writeJSONError(w, status, i18n.T(r.Context(), key))
	}
}

func writeJSONError(w http.ResponseWriter, status int, message string) {
	b, _ := json.Marshal(map[string]string{"error": message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
