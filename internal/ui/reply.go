package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/live"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/validate"
	"github.com/shopdesk/shopdesk/web/pages"
)

const (
	// maxReplyRequest bounds a reply with its attachments.
	maxReplyRequest = conversation.MaxAttachments*conversation.MaxAttachmentBytes + 1<<20
	// maxReplyBodyBytes is the longest reply text in bytes: its character limit in any script.
	maxReplyBodyBytes = utf8.UTFMax * conversation.MaxBodyChars
)

func (h *Handler) reply(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	n, err := ticketNumber(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The body was read and checked by checkInput, within maxReplyRequest.
	in := conversation.ReplyInput{Body: r.FormValue("body"), Note: r.FormValue("mode") == "note", Status: r.FormValue("then"), Confirm: r.FormValue("confirm") == "1"}
	if v := r.FormValue("supersedes"); v != "" {
		in.Supersedes, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := r.FormValue("seen_last_message_at"); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			in.SeenLastMessageAt = &t
		}
	}
	err = inputProblems(r)
	if err == nil && r.MultipartForm != nil {
		in.Uploads, err = readUploads(r.MultipartForm.File["attachments"])
	}
	if err == nil {
		_, err = h.Conversations.Reply(ctx, sc, n, in)
	}
	if ve, ok := errors.AsType[validate.Errors](err); ok && ve["ticket"] != "" {
		// The ticket itself refuses (merged away): its page says why; there is no composer to
		// keep the draft in.
		h.flash(r, "error", ve["ticket"])
		seeOther(w, r, h.ticketURL(r, n))
		return
	}
	if refusal, ok := errors.AsType[*compliance.Refusal](err); ok {
		// The marketplace's rules refuse it: the composer comes back with the draft and every
		// finding with its reason, so the agent edits instead of retyping.
		tv, verr := h.ticketView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		tv.Draft, tv.DraftThen, tv.Supersedes = in.Body, in.Status, in.Supersedes
		tv.Compliance = &pages.ComplianceView{Slug: sc.Workspace.Slug, Number: n, Marketplace: tv.Detail.Ticket.Channel, Result: refusal.Result, Refused: true}
		h.renderTicket(w, r, http.StatusUnprocessableEntity, tv)
		return
	}
	changed := errors.Is(err, conversation.ErrCustomerWroteAgain) || errors.Is(err, conversation.ErrRepliedMeanwhile)
	if errors.Is(err, conversation.ErrNoChannel) {
		// Nothing connected can deliver it: refused, with the draft kept and the reason (and, for
		// an admin, where to connect one).
		tv, verr := h.ticketView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		tv.Draft, tv.DraftNote, tv.DraftThen, tv.Supersedes, tv.NoChannel = in.Body, in.Note, in.Status, in.Supersedes, true
		h.renderTicket(w, r, http.StatusUnprocessableEntity, tv)
		return
	}
	if changed || err != nil && isValidation(err) {
		// The composer comes back with the draft, the newer customer message in the thread and
		// the reason, so nothing typed is lost.
		tv, verr := h.ticketView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		tv.Draft, tv.DraftNote, tv.DraftThen, tv.Supersedes = in.Body, in.Note, in.Status, in.Supersedes
		if changed {
			tv.ThreadChanged = "reply.customer_wrote_again"
			if errors.Is(err, conversation.ErrRepliedMeanwhile) {
				tv.ThreadChanged = "reply.replied_meanwhile"
			}
		} else {
			tv.Errors, _ = fieldErrors(ctx, err)
		}
		// Only a thread that moved on is a conflict; a problem with the form is the form again.
		status := http.StatusUnprocessableEntity
		if changed {
			status = http.StatusConflict
		}
		h.renderTicket(w, r, status, tv)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	key := "reply.queued"
	if in.Note {
		key = "reply.note_added"
	}
	h.flash(r, "success", key)
	seeOther(w, r, h.ticketURL(r, n))
}

func isValidation(err error) bool {
	_, ok := firstProblem(err)
	return ok
}

// presence records that the person is viewing or typing on a ticket (a heartbeat from the page).
func (h *Handler) presence(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	n, err := ticketNumber(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := h.Conversations.Ticket(ctx, sc, n)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := inputProblems(r); err != nil {
		http.Error(w, problemText(ctx, err), http.StatusUnprocessableEntity)
		return
	}
	state := r.PostFormValue("state")
	if state != live.Viewing && state != live.Typing && state != live.Left {
		http.Error(w, "state must be viewing, typing or left", http.StatusBadRequest)
		return
	}
	if err := h.Live.Announce(ctx, conversation.Change{TenantID: sc.TenantID(), TicketID: t.ID, Kind: "presence", UserID: sc.UserID, Detail: state}); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// events is the page's server-sent event stream: "ticket" with a changed ticket's id, and, on a
// ticket page, "presence" with who else is there.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	var ticketID int64
	var names map[string]string
	if v := r.URL.Query().Get("ticket"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			h.fail(w, r, store.ErrNotFound)
			return
		}
		d, err := h.Conversations.Detail(ctx, sc, n)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ticketID = d.Ticket.ID
		names = make(map[string]string, len(d.Names))
		for id, name := range d.Names {
			names[id.String()] = name
		}
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	sub, done := h.Live.Subscribe(sc.TenantID(), sc.UserID, ticketID)
	defer done()
	sendPresence := func() {
		list := map[string]string{}
		for _, s := range h.Live.Present(sc.TenantID(), ticketID, sc.UserID) {
			list[names[s.UserID.String()]] = s.State
		}
		b, _ := json.Marshal(list)
		fmt.Fprintf(w, "event: presence\ndata: %s\n\n", b)
	}
	fmt.Fprint(w, "retry: 3000\n\n")
	if ticketID != 0 {
		sendPresence()
	}
	_ = rc.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-sub.C:
			if c.Kind == conversation.ChangeNotification {
				// A person's notifications reach only that person's pages in this workspace.
				if c.UserID != sc.UserID {
					continue
				}
				fmt.Fprintf(w, "event: notification\ndata: %d\n\n", h.bellCount(r))
			} else if c.Kind == "presence" {
				if c.TicketID == ticketID && ticketID != 0 {
					sendPresence()
				}
			} else {
				fmt.Fprintf(w, "event: ticket\ndata: %d\n\n", c.TicketID)
			}
		case <-tick.C:
			// A comment keeps proxies from closing an idle stream; presence expiry shows up here too.
			if ticketID != 0 {
				sendPresence()
			} else {
				fmt.Fprint(w, ": ping\n\n")
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

func (h *Handler) attachment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	n, err := ticketNumber(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := idParam(r, "attachmentID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, data, err := h.Conversations.Attachment(ctx, sc, n, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Raster images show inline (thumbnails in the thread); everything else is a download, so an
	// uploaded HTML or SVG file never runs in our origin. The sandbox CSP covers both.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	if ct := pages.InlineImageType(a.ContentType); ct != "" && r.URL.Query().Get("download") == "" {
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", a.Name))
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", a.Name))
	}
	_, _ = w.Write(data)
}

// messageHTML serves a customer message's sanitised HTML for the sandboxed frame on the ticket
// page: no scripts (neither the sanitiser nor the sandbox allow them), no remote loads (the
// sanitiser drops them and the policy blocks any that remain), inline images from our storage.
func (h *Handler) messageHTML(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	n, err := ticketNumber(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := idParam(r, "messageID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := fmt.Sprintf("/w/%s/t/%d/attachments/", sc.Workspace.Slug, n)
	html, err := h.Conversations.MessageHTML(ctx, sc, n, id, func(att int64) string { return base + strconv.FormatInt(att, 10) })
	if err != nil {
		h.fail(w, r, err)
		return
	}
	img := "'self' data:"
	if r.URL.Query().Get("images") == "1" {
		// The agent asked for the remote images of this message (they may tell the sender it
		// was read).
		html = strings.ReplaceAll(html, " data-remote-src=", " src=")
		img += " https: http:"
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src "+img+"; frame-ancestors 'self'; sandbox allow-same-origin")
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "private, max-age=300")
	_, _ = io.WriteString(w, `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"></head><body>`+html+`</body></html>`)
}
