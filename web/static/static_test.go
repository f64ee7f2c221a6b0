package static

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	h := Handler()
	for _, name := range []string{"css/app.css", "js/app.js", "vendor/htmx.min.js", "icons/sprite.svg", "icons/favicon.svg"} {
		p := Path(name)
		require.True(t, strings.HasPrefix(p, "/static/"), p)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		require.Equal(t, http.StatusOK, rec.Code, name)
		require.Contains(t, rec.Header().Get("Cache-Control"), "immutable")
		require.NotEmpty(t, rec.Body.Bytes())
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/000000000000/css/app.css", nil))
	require.Equal(t, http.StatusNotFound, rec.Code, "stale hash")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, strings.Replace(Path("css/app.css"), "app.css", "../embed.go", 1), nil))
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Equal(t, "text/css; charset=utf-8", func() string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Path("css/app.css"), nil))
		return rec.Header().Get("Content-Type")
	}())
	require.Panics(t, func() { Path("css/nope.css") })
}
