package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
)

// Every not-found and not-allowed answer of the app is the styled page in the visitor's
// language with the right status and a way on (the inbox when signed in, sign-in otherwise):
// unknown top-level paths, paths that are not valid UTF-8, wrong methods. Static files and JSON
// endpoints keep their kind.
func TestErrorPagesEverywhere(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	app.Workspace(t, "errs", "admin@errs.test")
	admin := app.SignIn(t, "admin@errs.test")
	visitor := app.Client(t)
	get := func(c *apptest.Client, method, path, lang, accept string) *apptest.Response {
		req, err := http.NewRequest(method, app.URL+path, nil)
		require.NoError(t, err)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		return c.Do(req)
	}
	styled := func(t *testing.T, res *apptest.Response, status int, title, next, nextHref string) {
		t.Helper()
		require.Equal(t, status, res.StatusCode, res.Body)
		require.Contains(t, res.Header.Get("Content-Type"), "text/html")
		require.Contains(t, res.Body, `data-testid="error-page"`)
		require.Contains(t, res.Body, "<h1>"+title+"</h1>")
		require.Contains(t, res.Body, `href="`+nextHref+`" data-testid="error-next">`+next+`</a>`)
		require.NotContains(t, res.Body, "404 page not found")
	}

	t.Run("signed in", func(t *testing.T) {
		styled(t, get(admin, "GET", "/nope", "", ""), http.StatusNotFound, "Page not found", "Go to the inbox", "/w/errs/inbox")
		styled(t, get(admin, "GET", "/w/errs/nope", "", ""), http.StatusNotFound, "Page not found", "Go to the inbox", "/w/errs/inbox")
		styled(t, get(admin, "GET", "/%ff%fe", "", ""), http.StatusNotFound, "Page not found", "Go to the inbox", "/w/errs/inbox")
		styled(t, get(admin, "POST", "/workspaces", "", ""), http.StatusMethodNotAllowed, "This address does not work that way", "Go to the inbox", "/w/errs/inbox")
		styled(t, get(admin, "PUT", "/w/errs/inbox", "", ""), http.StatusMethodNotAllowed, "This address does not work that way", "Go to the inbox", "/w/errs/inbox")
	})
	t.Run("signed in, in Korean", func(t *testing.T) {
		ko := app.SignIn(t, "admin@errs.test")
		_, err := app.DB.Owner(t).Exec(context.Background(), `UPDATE users SET language = 'ko' WHERE email = 'admin@errs.test'`)
		require.NoError(t, err)
		styled(t, get(ko, "GET", "/nope", "en", ""), http.StatusNotFound, "페이지를 찾을 수 없습니다", "받은편지함으로 이동", "/w/errs/inbox")
	})
	t.Run("signed out", func(t *testing.T) {
		styled(t, get(visitor, "GET", "/nope", "ro-RO,ro;q=0.9", ""), http.StatusNotFound, "Pagina nu a fost găsită", "Autentificare", "/login")
		styled(t, get(visitor, "GET", "/%ff", "ko", ""), http.StatusNotFound, "페이지를 찾을 수 없습니다", "로그인", "/login")
		styled(t, get(visitor, "GET", "/a%00b", "", ""), http.StatusNotFound, "Page not found", "Sign in", "/login")
		styled(t, get(visitor, "PUT", "/login", "ro", ""), http.StatusMethodNotAllowed, "Această adresă nu funcționează așa", "Autentificare", "/login")
	})
	t.Run("static files and JSON keep their kind", func(t *testing.T) {
		res := get(visitor, "GET", "/static/nope.css", "", "")
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		require.NotContains(t, res.Header.Get("Content-Type"), "text/html")
		res = get(admin, "GET", "/w/errs/labels/suggest?kind=nope&q=a", "", "*/*")
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"))
		require.True(t, strings.HasPrefix(res.Body, `{"error":"`), res.Body)
		res = get(admin, "GET", "/nope", "", "application/json")
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"))
		res = get(admin, "DELETE", "/w/errs/labels/suggest", "", "application/json")
		require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"))
	})
}
