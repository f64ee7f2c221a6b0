package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/web/pages"
)

// showMail is the mail settings page: the email accounts, the workspace's forwarding address, and
// the quarantine (messages that could not be processed, with the reason, a retry and the raw bytes).
func (h *Handler) showMail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	rows, err := h.Ingest.Quarantined(ctx, sc, pgtype.Int8{}, 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := pages.MailView{Shell: h.shell(r, p.T("settings.mail"), "settings"), Slug: sc.Workspace.Slug,
		WorkspaceAddress: email.GatewayAddress(sc.Workspace.Slug, "", h.Config.InboundDomain)}
	accounts, err := h.Email.List(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range accounts {
		row := pages.AccountRow{ID: fmt.Sprint(a.ID), Name: a.Name, Address: a.Address, LastError: a.LastError, Paused: a.Status == "paused",
			LastSync: p.T("mail.account.never")}
		if a.LastSyncAt != nil {
			row.LastSync = p.DateTime(*a.LastSyncAt)
		}
		if c := checkView(p, a); c != nil {
			row.Check, row.CheckOK = c.Headline, c.OK
		}
		v.Accounts = append(v.Accounts, row)
	}
	v.Quarantine = quarantineRows(p, rows)
	reasons, err := h.Ingest.Reasons(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, q := range reasons {
		v.Reasons = append(v.Reasons, pages.ReasonRow{Reason: q.Error, Count: q.N})
	}
	b, err := h.Ingest.Backlog(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Backlog = pages.BacklogView{Pending: b.Pending, Oldest: b.Oldest, Now: time.Now(), UnavailableSince: b.UnavailableSince}
	h.render(w, r, http.StatusOK, pages.Mail(v))
}

// retryReason puts every message quarantined with one reason back into processing (after a fix).
func (h *Handler) retryReason(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	err := inputProblems(r)
	if err == nil {
		_, err = h.Ingest.RetryReason(ctx, sc, r.PostFormValue("reason"))
	}
	if key, ok := firstProblem(err); ok {
		h.flash(r, "error", key)
	} else if err != nil {
		h.fail(w, r, err)
		return
	} else {
		h.flash(r, "success", "quarantine.retried_reason")
	}
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/mail")
}

// quarantineRows shows quarantined messages, on the mail page and on an account's page.
func quarantineRows(p *i18n.Printer, rows []dbsqlc.InboundQuarantinedRow) []pages.QuarantineRow {
	out := make([]pages.QuarantineRow, 0, len(rows))
	for _, q := range rows {
		out = append(out, pages.QuarantineRow{ID: fmt.Sprint(q.ID), Source: q.Source, Received: p.DateTime(q.ReceivedAt), Reason: q.Error, Size: q.Size})
	}
	return out
}

func (h *Handler) retryInbound(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := idParam(r, "inboundID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.Ingest.Raw(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	err = h.Ingest.Retry(ctx, sc, id)
	if key, ok := firstProblem(err); ok {
		h.flash(r, "error", key)
	} else if err != nil {
		h.fail(w, r, err)
		return
	} else {
		h.flash(r, "success", "quarantine.retried")
	}
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/mail")
}

func (h *Handler) rawInbound(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := idParam(r, "inboundID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	raw, err := h.Ingest.Raw(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"message-%d.eml\"", id))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(raw)
}
