package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/savedview"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
	"github.com/shopdesk/shopdesk/web/pages"
)

// filterFrom reads the list's view and filters from the query string; the same parameters ride
// along on every link so the list stays as it was when a ticket opens.
func filterFrom(q url.Values) conversation.Filter {
	f := conversation.Filter{View: q.Get("view"), Status: q.Get("status"), Channel: q.Get("channel"),
		Marketplace: q.Get("marketplace"), Store: q.Get("store"), Tag: q.Get("tag"), Category: q.Get("category"),
		Language: q.Get("language"), Sort: q.Get("sort"), Priority: -1}
	if f.View == "" {
		f.View = conversation.ViewOpen
	}
	if p, err := strconv.Atoi(q.Get("priority")); err == nil {
		f.Priority = p
	}
	if id, err := uuid.Parse(q.Get("assignee")); err == nil {
		f.AssigneeID = id
	} else if q.Get("assignee") == "none" {
		f.Unassigned = true
	}
	if id, err := uuid.Parse(q.Get("team")); err == nil {
		f.TeamID = id
	}
	return f
}

// listParams keeps only the list-defining parameters of a query string.
func listParams(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"view", "status", "channel", "marketplace", "store", "tag", "category", "language", "priority", "assignee", "team", "sort", "saved"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

func (h *Handler) inboxView(r *http.Request, active int64) (pages.InboxView, error) {
	f := filterFrom(r.URL.Query())
	after := r.URL.Query().Get("after")
	return h.inboxAround(r, active, func(ctx context.Context, sc tenant.Scope, also store.PipelineFunc) (conversation.Page, error) {
		return h.Conversations.ListWith(ctx, sc, f, after, 50, also)
	})
}

// listLoader reads the inbox's list; also (the frame's bell count and the saved views) must go
// out in the list's round trip.
type listLoader func(ctx context.Context, sc tenant.Scope, also store.PipelineFunc) (conversation.Page, error)

// inboxAround builds the inbox page around the list load gives: one round trip for the list, the
// bell and the saved views (the sidebar counts and the pickers are cached).
func (h *Handler) inboxAround(r *http.Request, active int64, load listLoader) (pages.InboxView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	q := r.URL.Query()
	f := filterFrom(q)
	v := pages.InboxView{Shell: h.frame(r, p.T("nav.inbox"), "inbox"), Slug: sc.Workspace.Slug, Params: listParams(q), Filter: f, Now: time.Now()}
	v.Admin = sc.Role.AtLeast(tenant.RoleAdmin)
	if c, err := r.Cookie(pages.RailCookie); err == nil && c.Value == "1" {
		v.ViewsRail = true
	}
	counts, err := h.counts.get(ctx, sc, h.loadCounts)
	if err != nil {
		return v, err
	}
	v.Counts = counts
	var views []savedview.View
	page, err := load(ctx, sc, store.Join(notify.UnreadPart(ctx, sc, &v.Shell.Unread), savedview.VisiblePart(ctx, sc, &views)))
	if err != nil {
		return v, err
	}
	v.Items, v.Next = page.Items, page.Next
	v.Active = active
	if v.Views, err = h.viewsPane(r, views, counts); err != nil {
		return v, err
	}
	members, err := h.Conversations.People(ctx, sc)
	if err != nil {
		return v, err
	}
	for _, m := range members {
		v.Members = append(v.Members, pages.Person{ID: m.UserID.String(), Name: m.Name})
	}
	return v, nil
}

func (h *Handler) showInbox(w http.ResponseWriter, r *http.Request) {
	v, err := h.inboxView(r, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.Inbox(v))
}

func (h *Handler) showSearch(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query().Get("q")
	v, err := h.inboxAround(r, 0, func(ctx context.Context, sc tenant.Scope, also store.PipelineFunc) (conversation.Page, error) {
		items, err := h.Conversations.SearchWith(ctx, sc, query, 50, also)
		return conversation.Page{Items: items}, err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Query = query
	v.Searching = true
	h.render(w, r, http.StatusOK, pages.Inbox(v))
}

// idParam reads a positive numeric route parameter; anything else is a page that does not exist.
func idParam(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || n <= 0 {
		return 0, store.ErrNotFound
	}
	return n, nil
}

func ticketNumber(r *http.Request) (int64, error) { return idParam(r, "number") }

// knownTicket reads the ticket number of the path and checks the ticket exists in the workspace:
// an unknown ticket is a 404 before any form is read, for every ticket route alike. It answers
// the request itself when it returns false.
func (h *Handler) knownTicket(w http.ResponseWriter, r *http.Request) (tenant.Scope, int64, bool) {
	sc := currentScope(r.Context())
	n, err := ticketNumber(r)
	if err == nil {
		_, err = h.Conversations.Ticket(r.Context(), sc, n)
	}
	if err != nil {
		h.fail(w, r, err)
		return sc, 0, false
	}
	return sc, n, true
}

func (h *Handler) ticketView(r *http.Request) (pages.TicketView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	n, err := ticketNumber(r)
	if err != nil {
		return pages.TicketView{}, err
	}
	// The composer's signature rides in the ticket's second round trip.
	var signature string
	d, err := h.Conversations.DetailWith(ctx, sc, n, func(t conversation.Ticket) store.PipelineFunc {
		return notify.SignaturePart(ctx, sc, t.Channel, &signature)
	})
	if err != nil {
		return pages.TicketView{}, err
	}
	tv := pages.TicketView{Slug: sc.Workspace.Slug, Me: sc.UserID, Detail: d, Params: listParams(r.URL.Query()), Now: time.Now(), DevMail: h.MailSink != nil,
		Admin: sc.Role.AtLeast(tenant.RoleAdmin)}
	if v := r.URL.Query().Get("edit"); v != "" && r.Method == http.MethodGet {
		// "Edit and resend": the failed reply's text goes back into the composer; it is replaced
		// only when the edited one is sent.
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			tv.EditFailed(id)
		}
	}
	tv.Signature = signature
	for _, s := range h.Live.Present(sc.TenantID(), d.Ticket.ID, sc.UserID) {
		tv.Present = append(tv.Present, pages.Presence{Name: d.Names[s.UserID], State: s.State})
	}
	return tv, nil
}

func (h *Handler) showTicket(w http.ResponseWriter, r *http.Request) {
	tv, err := h.ticketView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderTicket(w, r, http.StatusOK, tv)
}

func (h *Handler) renderTicket(w http.ResponseWriter, r *http.Request, status int, tv pages.TicketView) {
	v, err := h.inboxView(r, tv.Detail.Ticket.Number)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Ticket = &tv
	v.Shell.Title = "#" + strconv.FormatInt(tv.Detail.Ticket.Number, 10) + " " + tv.Detail.Ticket.Subject
	h.render(w, r, status, pages.Inbox(v))
}

// showThread is the live-refresh fragment: the thread and presence of one ticket.
func (h *Handler) showThread(w http.ResponseWriter, r *http.Request) {
	tv, err := h.ticketView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.ThreadFragment(tv))
}

func (h *Handler) ticketURL(r *http.Request, n int64) string {
	u := "/w/" + currentScope(r.Context()).Workspace.Slug + "/t/" + strconv.FormatInt(n, 10)
	if p := listParams(r.URL.Query()); len(p) > 0 {
		u += "?" + p.Encode()
	}
	return u
}

// ticketAction runs one change and returns to the ticket (or to the ticket fn names, such as a
// merge target); a rule violation comes back as a message on the page.
func (h *Handler) ticketAction(w http.ResponseWriter, r *http.Request, fn func(sc tenant.Scope, n int64) (int64, error), okKey string) {
	sc, n, ok := h.knownTicket(w, r)
	if !ok {
		return
	}
	var to int64
	err := inputProblems(r)
	if err == nil {
		to, err = fn(sc, n)
	}
	if errors.Is(err, errAnswered) {
		return
	}
	if err != nil {
		if key, ok := firstProblem(err); ok {
			h.flash(r, "error", refusalFor(sc, key))
			seeOther(w, r, h.ticketURL(r, n))
			return
		}
		h.fail(w, r, err)
		return
	}
	if okKey != "" {
		h.flash(r, "success", okKey)
	}
	if to == 0 {
		to = n
	}
	seeOther(w, r, h.ticketURL(r, to))
}

// adminRefusals are the refusals an admin can fix in Settings: they name the page there, while
// everyone else reads whom to ask — nobody is sent to a page they may not open.
var adminRefusals = map[string]string{
	"ticket.assignee_no_channel": "ticket.assignee_no_channel_admin",
	"reply.no_channel_agent":     "reply.no_channel_admin",
}

func refusalFor(sc tenant.Scope, key string) string {
	if admin, ok := adminRefusals[key]; ok && sc.Role.AtLeast(tenant.RoleAdmin) {
		return admin
	}
	return key
}

// errAnswered tells ticketAction that the action wrote its own answer (a question back).
var errAnswered = errors.New("ui: answered by the action")

// same adapts an action that stays on its ticket.
func same(err error) (int64, error) { return 0, err }

// resolveAndNext is the `e` shortcut (status=resolved with next=1): the resolve goes on to the
// next ticket of the list the agent came from (the view and filters in the query string), past
// tickets another agent is on, or back to that list when none is left.
func (h *Handler) resolveAndNext(w http.ResponseWriter, r *http.Request) {
	h.ticketAction(w, r, func(sc tenant.Scope, n int64) (int64, error) {
		var until *time.Time
		if v := r.PostFormValue("snooze_until"); v != "" {
			if t, err := time.ParseInLocation("2006-01-02T15:04", v, i18n.FromContext(r.Context()).Location()); err == nil {
				until = &t
			}
		}
		status := r.PostFormValue("status")
		if r.PostFormValue("next") != "1" || status != "resolved" {
			return same(h.Conversations.SetStatus(r.Context(), sc, n, status, until))
		}
		// Its place in the list is where it stood before resolving moved it out of the view.
		before, err := h.Conversations.Ticket(r.Context(), sc, n)
		if err != nil {
			return 0, err
		}
		if err := h.Conversations.SetStatus(r.Context(), sc, n, status, until); err != nil {
			return 0, err
		}
		next, err := h.Conversations.NextInView(r.Context(), sc, filterFrom(r.URL.Query()), before, func(id int64) bool {
			return len(h.Live.Present(sc.TenantID(), id, sc.UserID)) > 0
		})
		if errors.Is(err, store.ErrNotFound) {
			return 0, nil // a list that does not exist (a hand-edited link): the resolved ticket stays
		}
		if err != nil {
			return 0, err
		}
		if next == 0 {
			h.flash(r, "success", "next.none")
			seeOther(w, r, h.listURL(r))
			return 0, errAnswered
		}
		h.flash(r, "success", "next.resolved")
		return next, nil
	}, "")
}

// listURL is the inbox list the request's query string names.
func (h *Handler) listURL(r *http.Request) string {
	u := "/w/" + currentScope(r.Context()).Workspace.Slug + "/inbox"
	if p := listParams(r.URL.Query()); len(p) > 0 {
		u += "?" + p.Encode()
	}
	return u
}

// merge merges the ticket into the one entered. Tickets of two customers come back with the
// question first (409): the person sees whose tickets they are and confirms.
func (h *Handler) merge(w http.ResponseWriter, r *http.Request) {
	h.ticketAction(w, r, func(sc tenant.Scope, n int64) (int64, error) {
		target, err := strconv.ParseInt(r.PostFormValue("target"), 10, 64)
		if err != nil {
			return 0, validate.Errors{"target": "merge.target_invalid"}
		}
		_, err = h.Conversations.Merge(r.Context(), sc, n, target, conversation.MergeOptions{Confirm: r.PostFormValue("confirm") == "1"})
		if errors.Is(err, store.ErrNotFound) {
			return 0, validate.Errors{"target": "merge.target_invalid"}
		}
		if dc, ok := errors.AsType[*conversation.DifferentCustomersError](err); ok {
			tv, verr := h.ticketView(r)
			if verr != nil {
				return 0, verr
			}
			tv.MergeAsk = &pages.MergeAsk{Target: target, SourceName: dc.Source, TargetName: dc.Target}
			h.renderTicket(w, r, http.StatusConflict, tv)
			return 0, errAnswered
		}
		return target, err
	}, "merge.done")
}

func (h *Handler) undoMerge(w http.ResponseWriter, r *http.Request) {
	h.ticketAction(w, r, func(sc tenant.Scope, _ int64) (int64, error) {
		id, err := idParam(r, "mergeID")
		if err != nil {
			return 0, err
		}
		return same(h.Conversations.UndoMerge(r.Context(), sc, id))
	}, "merge.undone")
}

func (h *Handler) split(w http.ResponseWriter, r *http.Request) {
	h.ticketAction(w, r, func(sc tenant.Scope, n int64) (int64, error) {
		id, err := idParam(r, "messageID")
		if err != nil {
			return 0, err
		}
		nt, err := h.Conversations.Split(r.Context(), sc, n, id)
		return nt.Number, err
	}, "split.done")
}

func (h *Handler) noResponse(w http.ResponseWriter, r *http.Request) {
	h.ticketAction(w, r, func(sc tenant.Scope, n int64) (int64, error) {
		id, err := idParam(r, "messageID")
		if err != nil {
			return 0, err
		}
		return n, h.Conversations.NoResponseNeeded(r.Context(), sc, n, id, r.PostFormValue("on") == "1")
	}, "ticket.no_response_saved")
}

func (h *Handler) resend(w http.ResponseWriter, r *http.Request) {
	h.ticketAction(w, r, func(sc tenant.Scope, _ int64) (int64, error) {
		id, err := idParam(r, "messageID")
		if err != nil {
			return 0, err
		}
		err = h.Conversations.Resend(r.Context(), sc, id)
		if errors.Is(err, conversation.ErrNoChannel) {
			return 0, validate.Errors{"message": "reply.no_channel_agent"}
		}
		return same(err)
	}, "reply.resent")
}

func (h *Handler) bulk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, err)
		return
	}
	var numbers []int64
	for _, v := range r.PostForm["ticket"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			numbers = append(numbers, n)
		}
	}
	a := conversation.BulkAction{Kind: r.PostFormValue("action")}
	switch a.Kind {
	case conversation.BulkAssign:
		if v := r.PostFormValue("assignee"); v == "me" {
			a.UserID = sc.UserID
		} else if id, err := uuid.Parse(v); err == nil {
			a.UserID = id
		}
	case conversation.BulkStatus:
		a.Status = r.PostFormValue("status")
	case conversation.BulkTag:
		a.Tag = r.PostFormValue("tag")
	}
	back := h.listURL(r)
	err := inputProblems(r)
	if err == nil {
		err = h.Conversations.Bulk(ctx, sc, numbers, a)
	}
	if key, ok := firstProblem(err); ok {
		h.flash(r, "error", key)
	} else if err == store.ErrNotFound {
		h.flash(r, "error", "bulk.not_found")
	} else if err != nil {
		h.fail(w, r, err)
		return
	} else {
		h.flash(r, "success", "bulk.done")
	}
	seeOther(w, r, back)
}

// mergeCandidates is the merge search's result list (a fragment for the ticket page's search box).
func (h *Handler) mergeCandidates(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc, n, ok := h.knownTicket(w, r)
	if !ok {
		return
	}
	q := r.URL.Query().Get("q")
	items, err := h.Conversations.MergeCandidates(ctx, sc, n, q, 8)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.MergeCandidates(q, items))
}
