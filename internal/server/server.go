// Package server builds the HTTP handler: the middleware every request passes through (request id,
// client address, logging, panic recovery, security headers, cross-origin protection), static
// files, health checks, and the UI's routes.
package server

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/shopdesk/shopdesk/internal/migrate"
	"github.com/shopdesk/shopdesk/internal/ui"
	"github.com/shopdesk/shopdesk/web/static"
)

// Deps is everything the handler needs: the UI's dependencies.
type Deps = ui.Deps

// New returns the complete handler. It also answers Routes (chi.Walk), so tests walk the very
// routes the app serves.
func New(d Deps) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	if d.Config.TrustedProxies > 0 {
		r.Use(middleware.ClientIPFromXFFTrustedProxies(d.Config.TrustedProxies))
	} else {
		r.Use(middleware.ClientIPFromRemoteAddr)
	}
	h := ui.New(d)
	r.Use(requestLog(d.Logger))
	r.Use(cleanURL(h.NotFoundPage()))
	r.Use(securityHeaders(d.Config.BaseURL.Scheme == "https"))

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	r.Get("/readyz", readyz(d))
	r.Handle("/static/*", static.Handler())
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, static.Path("icons/favicon.svg"), http.StatusMovedPermanently)
	})

	r.Group(h.Routes)

	// Rejects cross-site state-changing browser requests by Sec-Fetch-Site, or Origin against Host.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Cross-site request refused: this form must be sent from a Shopdesk page. Reload the page and try again.", http.StatusForbidden)
	}))
	return routedHandler{Handler: cop.Handler(r), router: r}
}

// routedHandler is the protected handler that still lists its routes.
type routedHandler struct {
	http.Handler
	router chi.Routes
}

// Routes is the router behind the handler.
func (h routedHandler) Routes() chi.Routes { return h.router }

// Routes returns the routes of a handler built by New, or nil for any other handler.
func Routes(h http.Handler) chi.Routes {
	if rh, ok := h.(routedHandler); ok {
		return rh.router
	}
	return nil
}

// readyz answers 200 when the database answers and its schema matches this binary.
func readyz(d Deps) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		st, err := migrate.Version(ctx, d.Store.Pool)
		switch {
		case err != nil:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unreachable\n"))
		case !st.Current():
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database schema is not current: run shopdesk migrate up\n"))
		default:
			_, _ = w.Write([]byte("ready\n"))
		}
	}
}
