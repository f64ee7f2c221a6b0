package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/web/pages"
)

// panelSize is how many notifications the bell's dropdown shows.
const panelSize = 8

// notificationsView reads a page of the person's notifications: before is the keyset cursor.
func (h *Handler) notificationsView(r *http.Request, before int64, limit int) (pages.NotificationsView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	items, next, err := h.notify.Page(ctx, sc, before, limit)
	if err != nil {
		return pages.NotificationsView{}, err
	}
	v := pages.NotificationsView{Slug: sc.Workspace.Slug, Items: items, Next: next, Now: time.Now()}
	for _, it := range items {
		v.Upto = max(v.Upto, it.ID)
		if !it.Read {
			v.Unread++
		}
	}
	if before > 0 {
		v.Upto = 0 // "mark all read" from an older page reads everything
	}
	return v, nil
}

func (h *Handler) showNotifications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var before int64
	if s := r.URL.Query().Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			h.fail(w, r, store.ErrNotFound)
			return
		}
		before = n
	}
	v, err := h.notificationsView(r, before, notify.PageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Shell = h.shell(r, i18n.T(ctx, "notifications.title"), "notifications")
	h.render(w, r, http.StatusOK, pages.Notifications(v))
}

// notificationPanel is the bell's dropdown, fetched when it opens.
func (h *Handler) notificationPanel(w http.ResponseWriter, r *http.Request) {
	v, err := h.notificationsView(r, 0, panelSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, http.StatusOK, pages.NotificationPanel(v))
}

// openNotification reads one notification and goes where it points.
func (h *Handler) openNotification(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := idParam(r, "notificationID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	number, err := h.notify.Open(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	seeOther(w, r, notify.Href(sc.Workspace.Slug, notify.Item{TicketNumber: number, Count: 1}))
}

func (h *Handler) readAllNotifications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	err := inputProblems(r)
	var upto int64
	if err == nil {
		if s := r.PostFormValue("upto"); s != "" {
			upto, _ = strconv.ParseInt(s, 10, 64)
		}
		err = h.notify.MarkAllRead(ctx, sc, upto)
	}
	if err != nil {
		if h.flashProblem(r, err) {
			seeOther(w, r, "/w/"+sc.Workspace.Slug+"/notifications")
			return
		}
		h.fail(w, r, err)
		return
	}
	if r.Header.Get("HX-Request") != "" || r.Header.Get("X-Requested-With") != "" {
		// notify.js: the panel again, now all read.
		h.notificationPanel(w, r)
		return
	}
	h.flash(r, "success", "notifications.all_read")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/notifications")
}

// bellCount is the shell's unread count for the current workspace; a failure shows no count
// and is logged, since the page itself is still worth showing.
func (h *Handler) bellCount(r *http.Request) int {
	sc := currentScope(r.Context())
	n, err := h.notify.Unread(r.Context(), sc)
	if err != nil {
		h.Logger.ErrorContext(r.Context(), "notifications: unread count", "error", err)
		return 0
	}
	return n
}

func (h *Handler) memberSettingsView(r *http.Request) (pages.MemberSettingsView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	v := pages.MemberSettingsView{Shell: h.shell(r, i18n.T(ctx, "account.member_settings_title", sc.Workspace.Name), "account"),
		Slug: sc.Workspace.Slug, Name: sc.Workspace.Name, Channels: notify.SignatureChannels()}
	var err error
	if v.Prefs, err = h.notify.Prefs(ctx, sc); err != nil {
		return v, err
	}
	v.Signatures, err = h.notify.Signatures(ctx, sc)
	return v, err
}

func (h *Handler) showMemberSettings(w http.ResponseWriter, r *http.Request) {
	v, err := h.memberSettingsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.MemberSettings(v))
}

func (h *Handler) saveNotificationPrefs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	err := inputProblems(r)
	prefs := notify.Prefs{On: map[string]bool{}, Mail: map[string]bool{}, Digest: r.PostFormValue("digest")}
	if err == nil {
		for _, k := range r.PostForm["on"] {
			prefs.On[k] = true
		}
		for _, k := range r.PostForm["mail"] {
			prefs.Mail[k] = true
		}
		err = h.notify.SavePrefs(ctx, sc, prefs)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.memberSettingsView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Prefs, v.Errors = prefs, fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.MemberSettings(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "account.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/account")
}

func (h *Handler) saveSignatures(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	err := inputProblems(r)
	sigs := map[string]string{}
	if err == nil {
		for _, ch := range notify.SignatureChannels() {
			if vals, ok := r.PostForm["signature_"+ch]; ok && len(vals) > 0 {
				sigs[ch] = vals[0]
			}
		}
		err = h.notify.SaveSignatures(ctx, sc, sigs)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.memberSettingsView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		for ch, body := range sigs {
			v.Signatures[ch] = body
		}
		v.Errors = fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.MemberSettings(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "account.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/account")
}
