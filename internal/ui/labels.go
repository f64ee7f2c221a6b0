package ui

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/pages"
)

// labelRoutes are Settings → Tags (admins): who may add names, and rename, merge and delete.
func (h *Handler) labelRoutes(r chi.Router) {
	r.Get("/settings/tags", h.showLabels)
	r.Post("/settings/tags", h.createLabel)
	r.Post("/settings/tags/creators", h.setLabelCreators)
	r.Post("/settings/tags/{labelID}/rename", h.renameLabel)
	r.Post("/settings/tags/{labelID}/merge", h.mergeLabel)
	r.Post("/settings/tags/{labelID}/delete", h.deleteLabel)
}

func (h *Handler) labelsView(r *http.Request) (pages.LabelsView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	v := pages.LabelsView{Shell: h.shell(r, i18n.T(ctx, "settings.tags"), "settings"), Slug: sc.Workspace.Slug}
	var err error
	if v.Tags, err = h.Labels.List(ctx, sc, label.Tag); err != nil {
		return v, err
	}
	if v.Categories, err = h.Labels.List(ctx, sc, label.Category); err != nil {
		return v, err
	}
	role, err := h.Labels.CreateRole(ctx, sc)
	v.CreateRole = string(role)
	return v, err
}

func (h *Handler) showLabels(w http.ResponseWriter, r *http.Request) {
	v, err := h.labelsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.Labels(v))
}

// labelDone returns to the page with a message, or shows the page again with the problem at the
// field of the form it came from (row: the label's id, or the kind for the add form).
func (h *Handler) labelDone(w http.ResponseWriter, r *http.Request, err error, row, okKey string) {
	if err == nil {
		h.flash(r, "success", okKey)
		seeOther(w, r, "/w/"+currentScope(r.Context()).Workspace.Slug+"/settings/tags")
		return
	}
	errs, ok := fieldErrors(r.Context(), err)
	if !ok {
		h.fail(w, r, err)
		return
	}
	v, verr := h.labelsView(r)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	v.ErrorRow, v.Errors, v.Typed = row, errs, r.PostFormValue("name")
	h.render(w, r, http.StatusUnprocessableEntity, pages.Labels(v))
}

func (h *Handler) createLabel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	kind := r.PostFormValue("kind")
	if kind != label.Category {
		kind = label.Tag
	}
	err := inputProblems(r)
	if err == nil {
		err = h.Labels.Create(ctx, currentScope(ctx), kind, r.PostFormValue("name"))
	}
	h.labelDone(w, r, err, "new-"+kind, "label.created")
}

func (h *Handler) setLabelCreators(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	err := inputProblems(r)
	if err == nil {
		err = h.Labels.SetCreateRole(ctx, currentScope(ctx), tenant.Role(r.PostFormValue("create_role")))
	}
	h.labelDone(w, r, err, "creators", "label.creators_saved")
}

func labelParam(r *http.Request) (uuid.UUID, error) { return uuidParam(r, "labelID") }

func (h *Handler) renameLabel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := labelParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err = inputProblems(r); err == nil {
		_, err = h.Labels.Rename(ctx, currentScope(ctx), id, r.PostFormValue("name"))
	}
	h.labelDone(w, r, err, id.String(), "label.renamed")
}

func (h *Handler) mergeLabel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := labelParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err = inputProblems(r); err == nil {
		into, perr := uuid.Parse(r.PostFormValue("into"))
		if perr != nil {
			into = uuid.Nil
		}
		_, err = h.Labels.Merge(ctx, currentScope(ctx), id, into)
	}
	h.labelDone(w, r, err, id.String(), "label.merged")
}

// deleteLabel asks first, with the number of tickets that carry the name; confirm=1 deletes.
func (h *Handler) deleteLabel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := labelParam(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err = inputProblems(r); err != nil {
		h.labelDone(w, r, err, id.String(), "")
		return
	}
	if r.PostFormValue("confirm") != "1" {
		l, n, err := h.Labels.Usage(ctx, sc, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v, err := h.labelsView(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Confirm = &pages.LabelConfirm{Label: l, Tickets: n}
		h.render(w, r, http.StatusOK, pages.Labels(v))
		return
	}
	_, err = h.Labels.Delete(ctx, sc, id)
	h.labelDone(w, r, err, id.String(), "label.deleted")
}
