package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/pages"
)

func accountFormOf(r *http.Request) email.Form {
	v := r.PostFormValue
	return email.Form{Name: v("name"), Address: v("address"), FromName: v("from_name"), Signature: v("signature"),
		IMAPHost: v("imap_host"), IMAPPort: v("imap_port"), IMAPTLS: v("imap_tls"), IMAPUsername: v("imap_username"),
		IMAPPassword: v("imap_password"), IMAPFolders: v("imap_folders"), IMAPIdle: v("imap_idle") != "",
		SMTPHost: v("smtp_host"), SMTPPort: v("smtp_port"), SMTPTLS: v("smtp_tls"), SMTPUsername: v("smtp_username"),
		SMTPPassword: v("smtp_password"), AuthKind: v("auth_kind")}
}

func accountValues(f email.Form) map[string]string {
	return map[string]string{"name": f.Name, "address": f.Address, "from_name": f.FromName, "signature": f.Signature,
		"imap_host": f.IMAPHost, "imap_port": f.IMAPPort, "imap_tls": f.IMAPTLS, "imap_username": f.IMAPUsername,
		"imap_folders": f.IMAPFolders, "smtp_host": f.SMTPHost, "smtp_port": f.SMTPPort, "smtp_tls": f.SMTPTLS,
		"smtp_username": f.SMTPUsername, "auth_kind": f.AuthKind}
}

func (h *Handler) accountForm(r *http.Request, id string, f email.Form, errs map[string]string) pages.AccountFormView {
	ctx := r.Context()
	sc := currentScope(ctx)
	return pages.AccountFormView{Shell: h.shell(r, i18n.FromContext(ctx).T("mail.add_account"), "settings"), Slug: sc.Workspace.Slug,
		ID: id, Values: accountValues(f), Idle: f.IMAPIdle, Errors: errs}
}

func (h *Handler) newAccount(w http.ResponseWriter, r *http.Request) {
	f := email.Form{IMAPTLS: "tls", IMAPPort: "993", IMAPFolders: "INBOX", IMAPIdle: true, SMTPTLS: "starttls", SMTPPort: "587", AuthKind: "password"}
	h.render(w, r, http.StatusOK, pages.AccountForm(h.accountForm(r, "", f, nil)))
}

func (h *Handler) createAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	f := accountFormOf(r)
	var a email.Account
	err := inputProblems(r)
	if err == nil {
		a, err = h.Email.Create(ctx, sc, f)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		h.render(w, r, http.StatusUnprocessableEntity, pages.AccountForm(h.accountForm(r, "", f, fe)))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "mail.account.created")
	seeOther(w, r, fmt.Sprintf("/w/%s/settings/mail/accounts/%d", sc.Workspace.Slug, a.ID))
}

// account loads the workspace's account named by the URL; another workspace's is not found.
func (h *Handler) account(r *http.Request) (email.Account, error) {
	id, err := idParam(r, "accountID")
	if err != nil {
		return email.Account{}, err
	}
	return h.Email.Get(r.Context(), currentScope(r.Context()).TenantID(), id)
}

func (h *Handler) editAccount(w http.ResponseWriter, r *http.Request) {
	a, err := h.account(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.AccountForm(h.accountForm(r, strconv.FormatInt(a.ID, 10), email.FormOf(a), nil)))
}

func (h *Handler) saveMailAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	// Someone else's account is not found before its form is judged.
	a, err := h.account(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := a.ID
	f := accountFormOf(r)
	if err = inputProblems(r); err == nil {
		err = h.Email.Update(ctx, sc, id, f)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		h.render(w, r, http.StatusUnprocessableEntity, pages.AccountForm(h.accountForm(r, strconv.FormatInt(id, 10), f, fe)))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "mail.account.saved")
	seeOther(w, r, fmt.Sprintf("/w/%s/settings/mail/accounts/%d", sc.Workspace.Slug, id))
}

func (h *Handler) showMailAccount(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r)
}

// testAccount connects to the account's servers now and shows their answers on the account page.
func (h *Handler) testAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := idParam(r, "accountID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := currentScope(ctx)
	// The outcome is stored as the account's last check, which the page shows; a reload then
	// shows it again instead of testing twice.
	if _, err := h.Email.Test(ctx, sc.TenantID(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	seeOther(w, r, fmt.Sprintf("/w/%s/settings/mail/accounts/%d#last-check", sc.Workspace.Slug, id))
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	a, err := h.account(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := a.ID
	health, err := h.Email.Health(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, err := h.Ingest.Quarantined(ctx, sc, pgtype.Int8{Int64: id, Valid: true}, 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := pages.MailAccountView{Shell: h.shell(r, a.Name, "settings"), Slug: sc.Workspace.Slug, ID: strconv.FormatInt(id, 10),
		Name: a.Name, Address: a.Address, Paused: a.Status == "paused",
		Forwarding: email.GatewayAddress(sc.Workspace.Slug, a.ForwardToken, h.Config.InboundDomain),
		LastSync:   p.T("mail.account.never"), Lag: "—", LastError: a.LastError,
		LastHour: health.LastHour, LastDay: health.LastDay, Pending: health.Pending, QuarantinedN: health.Quarantined, Check: checkView(p, a)}
	if a.ImapHost == "" {
		v.LastSync = p.T("mail.account.test_skipped")
	}
	if a.LastSyncAt != nil {
		v.LastSync = p.DateTime(*a.LastSyncAt)
		v.Lag = time.Since(*a.LastSyncAt).Round(time.Second).String()
	}
	if a.LastErrorAt != nil {
		v.LastErrorAt = p.DateTime(*a.LastErrorAt)
	}
	if a.NextSyncAt != nil && a.SyncFailures > 0 {
		v.SyncFailures, v.NextSync = int(a.SyncFailures), p.DateTime(*a.NextSyncAt)
	}
	v.Quarantine = quarantineRows(p, rows)
	h.render(w, r, http.StatusOK, pages.AccountPage(v))
}

func (h *Handler) pauseAccount(w http.ResponseWriter, r *http.Request) {
	h.setAccountPaused(w, r, true)
}
func (h *Handler) resumeAccount(w http.ResponseWriter, r *http.Request) {
	h.setAccountPaused(w, r, false)
}

func (h *Handler) setAccountPaused(w http.ResponseWriter, r *http.Request, paused bool) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := idParam(r, "accountID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Email.SetPaused(ctx, sc, id, paused); err != nil {
		h.fail(w, r, err)
		return
	}
	key := "mail.account.resumed"
	if paused {
		key = "mail.account.paused"
	}
	h.flash(r, "success", key)
	seeOther(w, r, fmt.Sprintf("/w/%s/settings/mail/accounts/%d", sc.Workspace.Slug, id))
}

func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := idParam(r, "accountID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Email.Delete(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "mail.account.removed")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/mail")
}
