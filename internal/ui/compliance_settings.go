package ui

import (
	"net/http"

	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/pages"
)

func (h *Handler) complianceSettingsView(r *http.Request) (pages.ComplianceSettingsView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	allowed, err := h.Compliance.AllowedDomains(ctx, sc)
	if err != nil {
		return pages.ComplianceSettingsView{}, err
	}
	v := pages.ComplianceSettingsView{Shell: h.shell(r, i18n.T(ctx, "settings.compliance"), "settings"), Slug: sc.Workspace.Slug, Allowed: allowed}
	for _, m := range compliance.Marketplaces() {
		rs, _ := compliance.RulesFor(m)
		v.Sets = append(v.Sets, rs)
	}
	return v, nil
}

func (h *Handler) showComplianceSettings(w http.ResponseWriter, r *http.Request) {
	v, err := h.complianceSettingsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.ComplianceSettings(v))
}

func (h *Handler) allowDomain(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	input := r.PostFormValue("domain")
	err := inputProblems(r)
	if err == nil {
		_, err = h.Compliance.AllowDomain(ctx, sc, input)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.complianceSettingsView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Domain, v.Error = input, fe["domain"]
		for _, msg := range fe {
			if v.Error == "" {
				// A problem with the request as a whole (too large, unreadable) shows at the field.
				v.Error = msg
			}
		}
		h.render(w, r, http.StatusUnprocessableEntity, pages.ComplianceSettings(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "compliance.domain_added")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/compliance")
}

func (h *Handler) removeDomain(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuidParam(r, "domainID")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Compliance.RemoveDomain(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "compliance.domain_removed")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/compliance")
}
