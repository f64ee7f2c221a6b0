// Package ui holds the HTML handlers: thin functions that read the request, call one domain
// service with an explicit scope, and render a page from web/pages.
package ui

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/live"
	"github.com/shopdesk/shopdesk/internal/mailsink"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/reqctx"
	"github.com/shopdesk/shopdesk/internal/savedview"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
	"github.com/shopdesk/shopdesk/web/components"
	"github.com/shopdesk/shopdesk/web/pages"
)

// Deps are the services the handlers call.
type Deps struct {
	Config  config.Config
	Logger  *slog.Logger
	Store   *store.Store
	Auth    *auth.Service
	Tenants *tenant.Service
	Jobs    *jobs.Admin
	// Conversations and Live serve the inbox.
	Conversations *conversation.Service
	Live          *live.Hub
	// Ingest is the inbound mail pipeline (the quarantine on the mail settings page).
	Ingest *ingest.Service
	// Email manages the workspace's email accounts.
	Email *email.Service
	// Marketplaces manages the workspace's marketplace accounts (Settings → Channels).
	Marketplaces *marketplace.Service
	// Automation is rules, SLA policies, business hours and teams.
	Automation *automation.Engine
	// MailSink, in development without a relay, is where outgoing mail is kept; its page is
	// /dev/mail. Nil otherwise, and the page does not exist.
	MailSink *mailsink.Sink
	// Views are saved inbox views; Labels the tags and categories catalogue. New makes both
	// when they are not given.
	Views  *savedview.Service
	Labels *label.Service
	// Compliance checks marketplace replies and keeps the link allow-list; New makes it when
	// it is not given.
	Compliance *compliance.Service
}

// Handler serves every page.
type Handler struct {
	Deps
	sessions *scs.SessionManager
	counts   countsCache
	notify   *notify.Service
}

// New builds the handler and its session manager (sessions live in PostgreSQL).
func New(d Deps) *Handler {
	sm := scs.New()
	// Expired rows are deleted by the auth.cleanup job, not by a goroutine in every process.
	sm.Store = newSessionStore(d.Store.Pool)
	sm.HashTokenInStore = true
	sm.Lifetime = 14 * 24 * time.Hour
	sm.IdleTimeout = 3 * 24 * time.Hour
	sm.Cookie.Name = "shopdesk_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = d.Config.BaseURL.Scheme == "https"
	sm.Cookie.Path = "/"
	if d.Views == nil {
		d.Views = savedview.New(d.Store)
	}
	if d.Labels == nil {
		d.Labels = label.New(d.Store)
	}
	if d.Compliance == nil {
		d.Compliance = compliance.New(d.Store)
	}
	h := &Handler{Deps: d, sessions: sm, notify: notify.New(d.Store, nil, "", nil)}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { h.fail(w, r, err) }
	return h
}

// Routes registers every page. Role checks sit on the groups, so a route added to a group
// inherits them; so does checkInput, the input rule every POST body passes (see input.go).
func (h *Handler) Routes(r chi.Router) {
	r.Use(limitPages, rememberSession, h.sessions.LoadAndSave, h.loadUser, h.language)
	r.NotFound(h.notFound)
	r.MethodNotAllowed(h.methodNotAllowed)
	// Everything but the live event stream answers within the timeout.
	timeout := middleware.Timeout(30 * time.Second)
	r.Group(func(r chi.Router) {
		r.Use(timeout, h.checkInput)
		r.Get("/", h.home)
		r.Get("/login", h.showLogin)
		r.Post("/login", h.login)
		r.Post("/logout", h.logout)
		r.Get("/signup", h.showSignup)
		r.Post("/signup", h.signup)
		r.Get("/password/forgot", h.showForgot)
		r.Post("/password/forgot", h.forgot)
		r.Get("/password/reset/{token}", h.showReset)
		r.Post("/password/reset/{token}", h.reset)
		if h.MailSink != nil {
			// The development mail sink: only wired outside production with no relay.
			r.Get("/dev/mail", h.showDevMail)
			r.Get("/dev/mail/{mailID}", h.showDevMessage)
		}
		r.Get("/invite/{workspace}/{token}", h.showInvite)
		r.Post("/invite/{workspace}/{token}", h.acceptInvite)
		r.Group(func(r chi.Router) {
			r.Use(h.requireUser)
			r.Get("/workspaces", h.showWorkspaces)
			r.Get("/account", h.showAccount)
			r.Post("/account", h.saveAccount)
			r.Post("/account/password", h.changePassword)
		})
	})

	r.Route("/w/{workspace}", func(r chi.Router) {
		r.Use(h.requireUser, h.workspace, h.forgetCountsOnChange)
		// A sub-router answers its own unknown paths: set here so they get the workspace's frame.
		r.NotFound(h.notFound)
		r.MethodNotAllowed(h.methodNotAllowed)
		r.Get("/events", h.events)
		r.Group(func(r chi.Router) {
			r.Use(timeout, h.checkInput)
			r.Get("/", h.workspaceHome)
			r.Get("/inbox", h.showInbox)
			r.Get("/search", h.showSearch)
			r.Post("/bulk", h.bulk)
			r.Get("/notifications", h.showNotifications)
			r.Get("/notifications/panel", h.notificationPanel)
			r.Get("/notifications/{notificationID}/open", h.openNotification)
			r.Post("/notifications/read-all", h.readAllNotifications)
			r.Get("/account", h.showMemberSettings)
			r.Post("/account/notifications", h.saveNotificationPrefs)
			r.Post("/account/signatures", h.saveSignatures)
			r.Post("/availability", h.setAvailability)
			h.viewRoutes(r)
			r.Route("/t/{number}", func(r chi.Router) {
				r.Get("/", h.showTicket)
				r.Get("/thread", h.showThread)
				r.Post("/reply", h.reply)
				r.Post("/compliance", h.checkCompliance)
				r.Post("/assign", h.assign)
				r.Post("/status", h.setStatus)
				r.Post("/status/undo", h.undoStatus)
				r.Post("/team", h.setTeam)
				r.Get("/properties", h.showProperties)
				r.Post("/priority", h.setPriority)
				r.Post("/tags", h.setTags)
				r.Post("/category", h.setCategory)
				r.Post("/merge", h.merge)
				r.Get("/merge-candidates", h.mergeCandidates)
				r.Post("/merges/{mergeID}/undo", h.undoMerge)
				r.Post("/order", h.linkOrder)
				r.Post("/order/unlink", h.unlinkOrder)
				r.Post("/messages/{messageID}/split", h.split)
				r.Post("/messages/{messageID}/resend", h.resend)
				r.Post("/messages/{messageID}/no-response", h.noResponse)
				r.Get("/messages/{messageID}/html", h.messageHTML)
				r.Post("/presence", h.presence)
				r.Get("/attachments/{attachmentID}", h.attachment)
			})
			r.Get("/customers/{customerID}", h.showCustomer)
			r.Post("/customers/{customerID}/merge", h.mergeCustomer)
			r.Post("/customers/{customerID}/merges/{mergeID}/undo", h.undoCustomerMerge)
			r.Group(func(r chi.Router) {
				r.Use(h.requireRole(tenant.RoleAdmin))
				r.Get("/settings", h.settingsHome)
				r.Get("/settings/workspace", h.showWorkspaceSettings)
				r.Post("/settings/workspace", h.saveWorkspaceSettings)
				r.Get("/settings/people", h.showPeople)
				r.Post("/settings/people/invite", h.invite)
				r.Post("/settings/people/{userID}/role", h.setRole)
				r.Post("/settings/people/{userID}/remove", h.removeMember)
				r.Post("/settings/invitations/{invitationID}/revoke", h.revokeInvitation)
				r.Get("/settings/mail", h.showMail)
				r.Get("/settings/channels", h.showChannels)
				r.Get("/settings/channels/{marketplace}", h.showMarketplace)
				r.Post("/settings/channels/{marketplace}", h.createMarketplaceAccount)
				r.Get("/settings/channels/{marketplace}/{marketID}", h.showMarketplaceAccount)
				r.Post("/settings/channels/{marketplace}/{marketID}", h.saveMarketplaceAccount)
				r.Post("/settings/channels/{marketplace}/{marketID}/delete", h.deleteMarketplaceAccount)
				r.Post("/settings/mail/quarantine/retry-reason", h.retryReason)
				r.Post("/settings/mail/quarantine/{inboundID}/retry", h.retryInbound)
				r.Get("/settings/mail/quarantine/{inboundID}/raw", h.rawInbound)
				r.Get("/settings/mail/accounts/new", h.newAccount)
				r.Post("/settings/mail/accounts", h.createAccount)
				r.Get("/settings/mail/accounts/{accountID}", h.showMailAccount)
				r.Get("/settings/mail/accounts/{accountID}/edit", h.editAccount)
				r.Post("/settings/mail/accounts/{accountID}/edit", h.saveMailAccount)
				r.Post("/settings/mail/accounts/{accountID}/test", h.testAccount)
				r.Post("/settings/mail/accounts/{accountID}/pause", h.pauseAccount)
				r.Post("/settings/mail/accounts/{accountID}/resume", h.resumeAccount)
				r.Post("/settings/mail/accounts/{accountID}/delete", h.deleteAccount)
				r.Get("/settings/rules", h.showRules)
				r.Get("/settings/rules/new", h.newRule)
				r.Post("/settings/rules", h.createRule)
				r.Post("/settings/rules/try", h.tryRule)
				r.Get("/settings/rules/{ruleID}", h.showRule)
				r.Post("/settings/rules/{ruleID}", h.saveRule)
				r.Post("/settings/rules/{ruleID}/enabled", h.setRuleEnabled)
				r.Post("/settings/rules/{ruleID}/delete", h.deleteRule)
				r.Get("/settings/sla", h.showSLA)
				r.Get("/settings/sla/new", h.newPolicy)
				r.Post("/settings/sla", h.createPolicy)
				r.Post("/settings/sla/presets/{preset}", h.addPreset)
				r.Get("/settings/sla/{policyID}", h.showPolicy)
				r.Post("/settings/sla/{policyID}", h.savePolicy)
				r.Post("/settings/sla/{policyID}/delete", h.deletePolicy)
				r.Get("/settings/hours", h.showHours)
				r.Post("/settings/hours", h.createCalendar)
				r.Get("/settings/hours/{calendarID}", h.showCalendar)
				r.Post("/settings/hours/{calendarID}", h.saveCalendar)
				r.Get("/settings/teams", h.showTeams)
				r.Post("/settings/teams", h.createTeam)
				r.Post("/settings/teams/{teamID}", h.saveTeam)
				r.Post("/settings/teams/{teamID}/members", h.setTeamMember)
				r.Post("/settings/teams/{teamID}/members/{userID}/remove", h.removeTeamMember)
				r.Get("/settings/compliance", h.showComplianceSettings)
				r.Post("/settings/compliance/domains", h.allowDomain)
				r.Post("/settings/compliance/domains/{domainID}/remove", h.removeDomain)
				r.Get("/settings/jobs", h.showJobs)
				r.Post("/settings/jobs/{jobID}/retry", h.retryJob)
				r.Post("/settings/jobs/{jobID}/cancel", h.cancelJob)
				h.labelRoutes(r)
			})
		})
	})
}

// render writes a component into a buffer first, so a render error becomes a clean 500 page
// instead of half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		h.fail(w, r, err)
		return
	}
	writePage(w, status, &buf)
}

// writePage sends a rendered page. A known length spares the chunked framing (and its extra
// writes) of a page written at once.
func writePage(w http.ResponseWriter, status int, buf *bytes.Buffer) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// fail is the one error path of the UI: it maps domain errors to pages and logs unexpected ones
// once, with the request's id, workspace and person.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	status, key, ok := h.classify(w, r, err)
	if !ok {
		return
	}
	p := i18n.FromContext(ctx)
	if wantsJSON(r) {
		writeJSONError(w, status, p.T(key))
		return
	}
	title := p.T("common.error_title")
	if status == http.StatusNotFound {
		title = p.T("common.not_found")
	}
	page := pages.ErrorPage(h.shell(r, title, ""), status, p.T(key))
	var buf bytes.Buffer
	if rerr := page.Render(ctx, &buf); rerr != nil {
		http.Error(w, title, status)
		return
	}
	writePage(w, status, &buf)
}

// classify maps an error to its status and message key, logging unexpected ones once; ok is
// false when there is nothing to answer (the visitor left).
func (h *Handler) classify(w http.ResponseWriter, r *http.Request, err error) (status int, key string, ok bool) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "common.not_found_body", true
	case errors.Is(err, tenant.ErrForbidden):
		return http.StatusForbidden, "common.forbidden", true
	case errors.Is(err, auth.ErrBusy):
		w.Header().Set("Retry-After", "2")
		return http.StatusServiceUnavailable, "common.busy", true
	case errors.Is(err, context.Canceled):
		return 0, "", false
	}
	reqctx.Log(r.Context(), h.Logger, slog.LevelError, "request failed", slog.Any("error", err))
	return http.StatusInternalServerError, "common.error_body", true
}

// fieldErrors translates a validation error's message keys for the form, or reports false for
// any other error.
func fieldErrors(ctx context.Context, err error) (map[string]string, bool) {
	var ve validate.Errors
	if !errors.As(err, &ve) {
		return nil, false
	}
	noteProblems(ctx, ve)
	p := i18n.FromContext(ctx)
	out := make(map[string]string, len(ve))
	for f, k := range ve {
		out[f] = p.T(k)
	}
	return out, true
}

// flash stores a one-time message shown on the next page.
func (h *Handler) flash(r *http.Request, kind, key string) {
	h.sessions.Put(r.Context(), "flash", kind+"|"+key)
}

func (h *Handler) popFlash(r *http.Request) *components.Flash {
	v := h.sessions.PopString(r.Context(), "flash")
	kind, key, ok := strings.Cut(v, "|")
	if !ok {
		return nil
	}
	return &components.Flash{Kind: kind, Message: i18n.T(r.Context(), key)}
}

// safeNext keeps a post-sign-in redirect on this site: a path that starts with one slash, with no
// control character (browsers drop tabs and newlines, so "/\t/evil.example" becomes
// "//evil.example"), no backslash (read as a slash), no "//" anywhere, valid UTF-8 and no scheme
// or host once parsed. Anything else is dropped, not repaired.
func safeNext(next string) string {
	if len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.Contains(next, "//") || strings.ContainsRune(next, '\\') ||
		!utf8.ValidString(next) {
		return ""
	}
	for _, r := range next {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	return next
}

func seeOther(w http.ResponseWriter, r *http.Request, url string) {
	http.Redirect(w, r, url, http.StatusSeeOther)
}
