package server

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/shopdesk/shopdesk/internal/text"
)

// maxQueryValue bounds one query value (a search, a filter, a cursor); longer ones are cut.
const maxQueryValue = 4 << 10

// cleanURL is the request-wide rule for what a URL carries. A path with a NUL byte or invalid
// UTF-8 names nothing we have: 404, before any lookup sends it to the database (which refuses
// such text). Query values are what a person typed into a search or a filter: they are cleaned
// (valid UTF-8, no NUL, at most maxQueryValue bytes) so a page shows what it can instead of
// failing. Form bodies have their own rule with field messages (ui.checkInput).
// notFound answers such a path (the app's styled page).
func cleanURL(notFound http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return cleanURLWith(next, notFound)
	}
}

func cleanURLWith(next, notFound http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; !utf8.ValidString(p) || strings.IndexByte(p, 0) >= 0 {
			notFound.ServeHTTP(w, r)
			return
		}
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			changed := err != nil
			for k, vs := range q {
				for i, v := range vs {
					c := text.Clean(v)
					if len(c) > maxQueryValue {
						c = strings.ToValidUTF8(c[:maxQueryValue], "")
					}
					if c != v {
						vs[i], changed = c, true
					}
				}
				if ck := text.Clean(k); ck != k || len(k) > maxQueryValue {
					delete(q, k)
					changed = true
				}
			}
			if changed {
				r.URL.RawQuery = q.Encode()
			}
		}
		next.ServeHTTP(w, r)
	})
}
