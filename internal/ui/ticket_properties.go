package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
	"github.com/shopdesk/shopdesk/web/pages"
)

// isHTMX tells a request htmx made (it answers with a fragment) from a plain form post (it
// answers with a redirect, so the properties work without JavaScript).
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// property runs one property change. A plain post goes back to the ticket (a refusal as the
// flash message); an htmx post gets the field as stored now with its note, and the timeline,
// SLA box and header out of band. A refusal is a 422 with the reason at the field.
func (h *Handler) property(w http.ResponseWriter, r *http.Request, field string, fn func(sc tenant.Scope, n int64) (pages.PropNote, error)) {
	if !isHTMX(r) {
		okKey := ""
		if field == "undo" {
			okKey = "ticket.status_restored"
		}
		h.ticketAction(w, r, func(sc tenant.Scope, n int64) (int64, error) {
			_, err := fn(sc, n)
			return 0, err
		}, okKey)
		return
	}
	sc, n, ok := h.knownTicket(w, r)
	if !ok {
		return
	}
	if field == "undo" {
		field = "status"
	}
	note := pages.PropNote{Field: field}
	err := inputProblems(r)
	if err == nil {
		note, err = fn(sc, n)
		note.Field = field
	}
	status := http.StatusOK
	if err != nil {
		key, ok := firstProblem(err)
		if !ok {
			h.fail(w, r, err)
			return
		}
		note, status = pages.PropNote{Field: field, Error: key}, http.StatusUnprocessableEntity
	} else if !note.Undone {
		note.Saved = true
	}
	tv, err := h.ticketView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, pages.PropertyAnswer(tv, note))
}

// showProperties is the live-refresh fragment: the properties block and SLA box as stored now.
func (h *Handler) showProperties(w http.ResponseWriter, r *http.Request) {
	tv, err := h.ticketView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.PropertiesFragment(tv))
}

func (h *Handler) assign(w http.ResponseWriter, r *http.Request) {
	h.property(w, r, "assignee", func(sc tenant.Scope, n int64) (pages.PropNote, error) {
		id := uuid.Nil
		switch v := r.PostFormValue("assignee"); v {
		case "":
		case "me":
			id = sc.UserID
		default:
			parsed, err := uuid.Parse(v)
			if err != nil {
				return pages.PropNote{}, validate.Errors{"assignee": "ticket.assignee_invalid"}
			}
			id = parsed
		}
		return pages.PropNote{}, h.Conversations.Assign(r.Context(), sc, n, id)
	})
}

func (h *Handler) setStatus(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("next") == "1" && r.PostFormValue("status") == "resolved" {
		h.resolveAndNext(w, r)
		return
	}
	// The snooze control posts here too, always with its time (empty when cleared).
	field := "status"
	if _ = r.PostFormValue("status"); r.PostForm.Has("snooze_until") {
		field = "snooze"
	}
	h.property(w, r, field, func(sc tenant.Scope, n int64) (pages.PropNote, error) {
		var until *time.Time
		if v := r.PostFormValue("snooze_until"); v != "" {
			t, err := time.ParseInLocation("2006-01-02T15:04", v, i18n.FromContext(r.Context()).Location())
			if err != nil {
				return pages.PropNote{}, validate.Errors{"snooze_until": "ticket.snooze_future"}
			}
			until = &t
		}
		res, err := h.Conversations.ChangeStatus(r.Context(), sc, n, r.PostFormValue("status"), until)
		return pages.PropNote{UndoID: res.UndoID, UndoFrom: res.From}, err
	})
}

func (h *Handler) undoStatus(w http.ResponseWriter, r *http.Request) {
	h.property(w, r, "undo", func(sc tenant.Scope, n int64) (pages.PropNote, error) {
		id, err := strconv.ParseInt(r.PostFormValue("undo"), 10, 64)
		if err != nil {
			return pages.PropNote{}, validate.Errors{"status": "ticket.undo_gone"}
		}
		return pages.PropNote{Undone: true}, h.Conversations.UndoStatus(r.Context(), sc, n, id)
	})
}

func (h *Handler) setPriority(w http.ResponseWriter, r *http.Request) {
	h.property(w, r, "priority", func(sc tenant.Scope, n int64) (pages.PropNote, error) {
		p, err := strconv.Atoi(r.PostFormValue("priority"))
		if err != nil {
			p = -1
		}
		return pages.PropNote{}, h.Conversations.SetPriority(r.Context(), sc, n, int16(p))
	})
}

func (h *Handler) setTeam(w http.ResponseWriter, r *http.Request) {
	h.property(w, r, "team", func(sc tenant.Scope, n int64) (pages.PropNote, error) {
		id := uuid.Nil
		if v := r.PostFormValue("team"); v != "" {
			parsed, err := uuid.Parse(v)
			if err != nil {
				return pages.PropNote{}, validate.Errors{"team": "ticket.team_invalid"}
			}
			id = parsed
		}
		return pages.PropNote{}, h.Conversations.SetTeam(r.Context(), sc, n, id)
	})
}

func (h *Handler) setTags(w http.ResponseWriter, r *http.Request) {
	h.property(w, r, "tags", func(sc tenant.Scope, n int64) (pages.PropNote, error) {
		return pages.PropNote{}, h.Conversations.SetTags(r.Context(), sc, n, []string{r.PostFormValue("tags")})
	})
}

func (h *Handler) setCategory(w http.ResponseWriter, r *http.Request) {
	h.property(w, r, "category", func(sc tenant.Scope, n int64) (pages.PropNote, error) {
		return pages.PropNote{}, h.Conversations.SetCategory(r.Context(), sc, n, r.PostFormValue("category"))
	})
}
