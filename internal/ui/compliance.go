package ui

import (
	"net/http"
	"strconv"

	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/web/pages"
)

// checkCompliance answers the composer as the agent types: the draft checked against the
// ticket's marketplace rules (with the signature, the allow-list and the order's ledger), as the
// box under the text. A note, and a ticket of a channel without rules, get an empty box.
func (h *Handler) checkCompliance(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	n, err := ticketNumber(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := inputProblems(r); err != nil {
		http.Error(w, problemText(ctx, err), http.StatusUnprocessableEntity)
		return
	}
	d := compliance.Draft{Text: r.PostFormValue("body")}
	sizes := r.PostForm["file_size"]
	for i, name := range r.PostForm["file_name"] {
		var size int64
		if i < len(sizes) {
			size, _ = strconv.ParseInt(sizes[i], 10, 64)
		}
		d.Attachments = append(d.Attachments, compliance.Attachment{Name: name, Size: max(size, 0)})
	}
	v := pages.ComplianceView{Slug: sc.Workspace.Slug, Number: n}
	if r.PostFormValue("mode") != "note" {
		res, err := h.Compliance.CheckTicket(ctx, sc, n, d)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Result = res
	}
	h.render(w, r, http.StatusOK, pages.ComplianceFindings(v))
}
