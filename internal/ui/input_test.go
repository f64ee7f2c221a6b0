package ui

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/store"
)

func TestUploadRoutesExist(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	New(Deps{Store: &store.Store{}, Config: config.Config{BaseURL: &url.URL{}}}).Routes(r)
	posts := map[string]bool{}
	require.NoError(t, chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodPost {
			posts[route] = true
		}
		return nil
	}))
	for p := range uploadRoutes {
		require.True(t, posts[p], "uploadRoutes names %s, which is no POST route", p)
	}
	n, ok := uploadLimit(httptest.NewRequest(http.MethodPost, "/w/shop/t/42/reply", nil))
	require.True(t, ok)
	require.EqualValues(t, maxReplyRequest, n)
	for _, path := range []string{"/w/shop/t/42/assign", "/w/shop/t/42/reply/x", "/login"} {
		_, ok := uploadLimit(httptest.NewRequest(http.MethodPost, path, nil))
		require.False(t, ok, path)
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"photo.png":                 "photo.png",
		"reçu été.pdf":              "reçu été.pdf",
		"re\xe7u \xe9t\xe9.pdf":     "reçu été.pdf",
		"\x80 euro.txt":             "€ euro.txt",
		"C:\\Users\\ana\\order.pdf": "order.pdf",
		"../../etc/passwd":          "passwd",
		"a\x00b\r\nc.txt":           "abc.txt",
		"":                          "attachment",
		"\x00":                      "attachment",
		"주문서.pdf":                   "주문서.pdf",
		"/":                         "attachment",
	} {
		require.Equal(t, want, fileName(in), "%q", in)
	}
	long := fileName(strings.Repeat("é", 300) + ".pdf")
	require.LessOrEqual(t, len(long), maxFileNameBytes)
	require.Contains(t, long, ".pdf")
}
