package ui

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/savedview"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/pages"
)

// viewRoutes are the saved views' actions and the catalogue's suggestions, for every member.
func (h *Handler) viewRoutes(r chi.Router) {
	r.Post("/views", h.createView)
	r.Post("/views/order", h.orderViews)
	r.Post("/views/{viewID}", h.updateView)
	r.Post("/views/{viewID}/move", h.moveView)
	r.Post("/views/{viewID}/delete", h.deleteView)
	r.Get("/labels/suggest", h.suggestLabels)
}

// savedParams are a list's parameters as a saved view keeps them: what defines the list, not the
// page of it or the saved view it was opened from.
func savedParams(q url.Values) url.Values {
	p := listParams(q)
	p.Del("saved")
	return p
}

// loadCounts is the sidebar's counts: the fixed views' and each saved view's the person sees,
// counted by its list statement up to conversation.CountCap ("saved:<id>").
func (h *Handler) loadCounts(ctx context.Context, sc tenant.Scope) (map[string]int, error) {
	counts, err := h.Conversations.Counts(ctx, sc)
	if err != nil {
		return nil, err
	}
	views, err := h.Views.Visible(ctx, sc)
	if err != nil || len(views) == 0 {
		return counts, err
	}
	filters := make([]conversation.Filter, len(views))
	for i, v := range views {
		filters[i] = filterFrom(v.Params)
	}
	n, err := h.Conversations.CountFilters(ctx, sc, filters)
	if err != nil {
		return nil, err
	}
	out := maps.Clone(counts)
	for i, v := range views {
		out["saved:"+v.ID.String()] = n[i]
	}
	return out, nil
}

// viewsPane fills the inbox's saved views, the current one, and the filters' pickers.
func (h *Handler) viewsPane(r *http.Request, views []savedview.View, counts map[string]int) (pages.ViewsPane, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	slug := sc.Workspace.Slug
	q := r.URL.Query()
	p := pages.ViewsPane{CanShare: sc.Role.AtLeast(tenant.RoleManager), Admin: sc.Role.AtLeast(tenant.RoleAdmin)}
	var err error
	current := q.Get("saved")
	here := savedParams(q)
	for _, v := range views {
		it := pages.SavedViewItem{ID: v.ID.String(), Name: v.Name, Shared: v.Shared, Editable: v.Editable,
			Count: counts["saved:"+v.ID.String()], Href: savedHref(slug, v.ID.String(), v.Params)}
		p.Items = append(p.Items, it)
		if it.ID == current {
			c := it
			p.Current = &c
			p.Changed = here.Encode() != savedParams(v.Params).Encode()
		}
	}
	if p.Pickers, err = h.Labels.Pickers(ctx, sc); err != nil {
		return p, err
	}
	return p, nil
}

func savedHref(slug, id string, params url.Values) string {
	q := savedParams(params)
	q.Set("saved", id)
	return "/w/" + slug + "/inbox?" + q.Encode()
}

// viewForm renders the inbox again with a saved view form's problems at its fields (422).
func (h *Handler) viewForm(w http.ResponseWriter, r *http.Request, err error, fill func(*pages.ViewsPane, map[string]string)) {
	errs, ok := fieldErrors(r.Context(), err)
	if !ok {
		h.fail(w, r, err)
		return
	}
	v, verr := h.inboxView(r, 0)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	fill(&v.Views, errs)
	h.render(w, r, http.StatusUnprocessableEntity, pages.Inbox(v))
}

func (h *Handler) createView(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	in := savedview.Input{Name: r.PostFormValue("name"), Params: savedParams(r.URL.Query()), Shared: r.PostFormValue("shared") == "1"}
	err := inputProblems(r)
	var id uuid.UUID
	if err == nil {
		id, err = h.Views.Create(ctx, sc, in)
	}
	if err != nil {
		h.viewForm(w, r, err, func(p *pages.ViewsPane, errs map[string]string) {
			p.SaveErrors, p.SaveName, p.SaveShared = errs, in.Name, in.Shared
		})
		return
	}
	h.flash(r, "success", "views.saved")
	seeOther(w, r, savedHref(sc.Workspace.Slug, id.String(), in.Params))
}

// updateView renames a view, shares or unshares it, and with update_filters=1 gives it the
// filters and sort of the list it is sent from.
func (h *Handler) updateView(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "viewID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.Views.Get(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := savedview.Input{Name: v.Name, Params: v.Params, Shared: v.Shared}
	if name, ok := r.PostForm["name"]; ok && len(name) > 0 {
		in.Name = name[0]
	}
	if r.PostFormValue("sharing") == "1" {
		in.Shared = r.PostFormValue("shared") == "1"
	}
	if r.PostFormValue("update_filters") == "1" {
		in.Params = savedParams(r.URL.Query())
	}
	err = inputProblems(r)
	if err == nil {
		err = h.Views.Update(ctx, sc, id, in)
	}
	if err != nil {
		h.viewForm(w, r, err, func(p *pages.ViewsPane, errs map[string]string) {
			p.EditErrors, p.EditName = errs, in.Name
		})
		return
	}
	h.flash(r, "success", "views.updated")
	seeOther(w, r, savedHref(sc.Workspace.Slug, id.String(), in.Params))
}

func (h *Handler) deleteView(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "viewID")
	if err == nil {
		err = inputProblems(r)
	}
	if err == nil {
		err = h.Views.Delete(ctx, sc, id)
	}
	if key, ok := firstProblem(err); ok {
		h.flash(r, "error", key)
		seeOther(w, r, "/w/"+sc.Workspace.Slug+"/inbox")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "views.deleted")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/inbox")
}

// moveView moves a view up or down in the person's order and returns to the list it was moved
// from (the form carries the list's parameters).
func (h *Handler) moveView(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "viewID")
	if err == nil {
		err = inputProblems(r)
	}
	delta := 1
	if r.PostFormValue("dir") == "up" {
		delta = -1
	}
	if err == nil {
		err = h.Views.Move(ctx, sc, id, delta)
	}
	back := "/w/" + sc.Workspace.Slug + "/inbox"
	if p := listParams(r.URL.Query()); len(p) > 0 {
		back += "?" + p.Encode()
	}
	if key, ok := firstProblem(err); ok {
		h.flash(r, "error", key)
		seeOther(w, r, back)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	seeOther(w, r, back)
}

// orderViews takes a whole order (drag and drop in the sidebar) and answers 204.
func (h *Handler) orderViews(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	err := inputProblems(r)
	var ids []uuid.UUID
	for _, v := range r.PostForm["view"] {
		id, perr := uuid.Parse(v)
		if perr != nil && err == nil {
			err = store.ErrNotFound
		}
		ids = append(ids, id)
	}
	if err == nil {
		err = h.Views.Order(ctx, sc, ids)
	}
	if key, ok := firstProblem(err); ok {
		// The page's script sent it; the message is for the log of whoever looks.
		http.Error(w, i18n.T(ctx, key), http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// suggestLabels answers the tag input's suggestions: names of a kind containing what was typed,
// as a JSON array of strings.
func (h *Handler) suggestLabels(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	q := r.URL.Query()
	kind := q.Get("kind")
	if !slices.Contains(label.Kinds, kind) {
		h.failJSON(w, r, store.ErrNotFound)
		return
	}
	names, err := h.Labels.Suggest(ctx, sc, kind, strings.TrimSpace(q.Get("q")), 10)
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	b, err := json.Marshal(names)
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}
