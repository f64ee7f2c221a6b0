package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/shopdesk/shopdesk/internal/reqctx"
)

// requestLog writes one line per request with its id, workspace and person, and turns a panic into
// a logged 500 instead of a dropped connection.
func requestLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, _ := reqctx.With(r.Context(), middleware.GetReqID(r.Context()))
			r = r.WithContext(ctx)
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					reqctx.Log(ctx, logger, slog.LevelError, "panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
					if ww.Status() == 0 {
						http.Error(ww, "Internal error: the request failed. It has been logged; please try again.", http.StatusInternalServerError)
					}
				}
				level := slog.LevelInfo
				if ww.Status() >= 500 {
					level = slog.LevelError
				} else if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
					level = slog.LevelDebug
				}
				reqctx.Log(ctx, logger, level, "request",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", ww.Status()), slog.Int("bytes", ww.BytesWritten()),
					slog.Duration("duration", time.Since(start)), slog.String("ip", middleware.GetClientIP(ctx)))
			}()
			next.ServeHTTP(ww, r)
		})
	}
}

// securityHeaders: no inline script or style anywhere, no framing, no sniffing.
func securityHeaders(tls bool) func(http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if tls {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}
