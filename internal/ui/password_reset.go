package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/pages"
)

func (h *Handler) showForgot(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, pages.ForgotPassword(pages.ForgotView{}))
}

// forgot answers the same whether or not the address has an account: the lookup and the mail
// happen in a job, so neither the page nor its timing tells.
func (h *Handler) forgot(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := i18n.FromContext(ctx)
	v := pages.ForgotView{Email: r.PostFormValue("email")}
	err := inputProblems(r)
	if err == nil {
		err = h.Auth.RequestReset(ctx, v.Email, middleware.GetClientIP(ctx), p.Lang())
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v.Errors = fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.ForgotPassword(v))
		return
	}
	if throttled, ok := errors.AsType[*auth.ThrottledError](err); ok {
		minutes := int(throttled.RetryAfter(time.Now()) / time.Minute)
		key := "reset.throttled_email"
		if throttled.Scope == auth.ScopeResetClient {
			key = "reset.throttled_client"
		}
		v.Error = p.N(key, minutes)
		w.Header().Set("Retry-After", itoa(minutes*60))
		h.render(w, r, http.StatusTooManyRequests, pages.ForgotPassword(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.ForgotPassword(pages.ForgotView{Sent: true}))
}

func (h *Handler) showReset(w http.ResponseWriter, r *http.Request) {
	v := pages.ResetView{Action: r.URL.Path}
	err := h.Auth.CheckReset(r.Context(), chi.URLParam(r, "token"))
	if errors.Is(err, auth.ErrResetInvalid) {
		v.Invalid = true
		h.render(w, r, http.StatusNotFound, pages.ResetPassword(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.ResetPassword(v))
}

// reset sets the new password. The person signs in with it afterwards: every session they had,
// here or elsewhere, has ended.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := pages.ResetView{Action: r.URL.Path}
	err := inputProblems(r)
	if err == nil {
		_, err = h.Auth.ResetPassword(ctx, chi.URLParam(r, "token"), r.PostFormValue("password"), r.PostFormValue("confirm_password"))
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v.Errors = fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.ResetPassword(v))
		return
	}
	if errors.Is(err, auth.ErrResetInvalid) {
		v.Invalid = true
		h.render(w, r, http.StatusNotFound, pages.ResetPassword(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// This browser's session (if any) belonged to whoever was signed in; start a clean one.
	if err := h.sessions.RenewToken(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	h.sessions.Remove(ctx, sessUserID)
	h.flash(r, "success", "reset.done")
	seeOther(w, r, "/login")
}
