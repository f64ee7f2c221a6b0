package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/web/pages"
)

func (h *Handler) settingsHome(w http.ResponseWriter, r *http.Request) {
	seeOther(w, r, "/w/"+currentScope(r.Context()).Workspace.Slug+"/settings/workspace")
}

func (h *Handler) workspaceSettingsView(r *http.Request) pages.WorkspaceSettingsView {
	sc := currentScope(r.Context())
	return pages.WorkspaceSettingsView{
		Shell: h.shell(r, i18n.T(r.Context(), "settings.workspace"), "settings"),
		Slug:  sc.Workspace.Slug, Name: sc.Workspace.Name, TimeZone: sc.Workspace.TimeZone, Language: sc.Workspace.DefaultLanguage,
		TimeZones: timeZones,
	}
}

func (h *Handler) showWorkspaceSettings(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, pages.WorkspaceSettings(h.workspaceSettingsView(r)))
}

func (h *Handler) saveWorkspaceSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in := tenant.WorkspaceInput{Name: r.PostFormValue("workspace_name"), TimeZone: r.PostFormValue("time_zone"), Language: r.PostFormValue("language")}
	err := inputProblems(r)
	if err == nil {
		_, err = h.Tenants.Update(ctx, currentScope(ctx), in, i18n.Languages)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v := h.workspaceSettingsView(r)
		v.Name, v.TimeZone, v.Language, v.Errors = in.Name, in.TimeZone, in.Language, fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.WorkspaceSettings(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "settings.saved")
	seeOther(w, r, r.URL.Path)
}

func (h *Handler) peopleView(r *http.Request) (pages.PeopleView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	v := pages.PeopleView{Shell: h.shell(r, p.T("settings.people"), "settings"), Slug: sc.Workspace.Slug, Me: sc.UserID.String(), InviteRole: string(tenant.RoleAgent)}
	members, err := h.Tenants.Members(ctx, sc)
	if err != nil {
		return v, err
	}
	for _, m := range members {
		v.Members = append(v.Members, pages.MemberRow{UserID: m.UserID.String(), Name: m.Name, Email: m.Email, Role: m.Role, Since: p.Date(m.CreatedAt)})
	}
	invs, err := h.Tenants.PendingInvitations(ctx, sc)
	if err != nil {
		return v, err
	}
	for _, inv := range invs {
		row := pages.InvitationRow{ID: inv.ID.String(), Email: inv.Email, Role: inv.Role,
			Expires: p.DateTime(inv.ExpiresAt), Expired: !inv.ExpiresAt.After(time.Now()), Sink: h.MailSink != nil}
		switch {
		case inv.MailedAt == nil && inv.MailError == nil && !row.Expired:
			row.Mail = "queued" // its invite.mail job runs (an expired one is never mailed)
		case inv.MailedAt != nil:
			row.Mail, row.MailedAt = "sent", p.DateTime(*inv.MailedAt)
		case inv.MailError != nil:
			row.Mail, row.MailError = "failed", *inv.MailError
		}
		v.Invitations = append(v.Invitations, row)
	}
	if link := h.sessions.PopString(ctx, "invite_link"); link != "" {
		v.NewLink = link
	}
	return v, nil
}

func (h *Handler) showPeople(w http.ResponseWriter, r *http.Request) {
	v, err := h.peopleView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.People(v))
}

func (h *Handler) invite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	email, role := r.PostFormValue("email"), r.PostFormValue("role")
	var token string
	err := inputProblems(r)
	if err == nil {
		_, token, err = h.Tenants.Invite(ctx, sc, email, tenant.Role(role))
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.peopleView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.InviteEmail, v.InviteRole, v.InviteErrors = email, role, fe
		h.render(w, r, http.StatusUnprocessableEntity, pages.People(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The link holds the only copy of the secret: it is shown once, on the next page.
	h.sessions.Put(ctx, "invite_link", h.Config.BaseURL.String()+"/invite/"+sc.Workspace.Slug+"/"+token)
	h.flash(r, "success", "people.invited")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/people")
}

func (h *Handler) setRole(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("HX-Request") != "" {
		h.setRoleInPlace(w, r)
		return
	}
	h.memberAction(w, r, func(sc tenant.Scope, id uuid.UUID) error {
		return h.Tenants.SetRole(r.Context(), sc, id, tenant.Role(r.PostFormValue("role")))
	}, "people.role_saved")
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request) {
	h.memberAction(w, r, func(sc tenant.Scope, id uuid.UUID) error {
		return h.Tenants.RemoveMember(r.Context(), sc, id)
	}, "people.removed")
}

func (h *Handler) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuid.Parse(chi.URLParam(r, "invitationID"))
	if err != nil {
		h.fail(w, r, store.ErrNotFound)
		return
	}
	if err := h.Tenants.RevokeInvitation(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "people.revoked")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/people")
}

// memberAction runs one change to a member and comes back to the people page, with a rule
// violation (such as removing the last admin) shown as a message there.
func (h *Handler) memberAction(w http.ResponseWriter, r *http.Request, fn func(tenant.Scope, uuid.UUID) error, okKey string) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := uuid.Parse(chi.URLParam(r, "userID"))
	if err != nil {
		h.fail(w, r, store.ErrNotFound)
		return
	}
	if err = inputProblems(r); err == nil {
		err = fn(sc, id)
	}
	if key, ok := firstProblem(err); ok {
		h.flash(r, "error", key)
	} else if err != nil {
		h.fail(w, r, err)
		return
	} else {
		h.flash(r, "success", okKey)
	}
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/people")
}

func (h *Handler) showJobs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	p := i18n.FromContext(ctx)
	state := rivertype.JobState(r.URL.Query().Get("state"))
	counts, err := h.Jobs.Counts(ctx, sc.TenantID(), 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if state == "" {
		// Open on a tab that has jobs, not on an empty "Running".
		state = jobs.FirstNonEmpty(counts)
	}
	valid := false
	for _, s := range jobs.States {
		valid = valid || s == state
	}
	if !valid {
		h.fail(w, r, store.ErrNotFound)
		return
	}
	page, err := h.Jobs.List(ctx, sc.TenantID(), state, r.URL.Query().Get("after"), 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := pages.JobsView{Shell: h.shell(r, p.T("settings.jobs"), "settings"), Slug: sc.Workspace.Slug, State: string(state), Next: page.Next}
	for _, s := range jobs.States {
		v.States = append(v.States, pages.JobStateTab{State: string(s), Count: counts[s], Capped: counts[s] >= 100})
	}
	names, err := jobs.Describe(ctx, h.Store, sc.TenantID(), page.Jobs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i, j := range page.Jobs {
		row := pages.JobRow{ID: strconv.FormatInt(j.ID, 10), Kind: j.Kind, Name: p.T(names[i].Key, names[i].Args...),
			Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, Created: p.DateTime(j.CreatedAt), Scheduled: p.DateTime(j.ScheduledAt),
			CanRetry:  jobs.Retriable(j.State),
			Failed:    j.State == rivertype.JobStateRetryable || j.State == rivertype.JobStateDiscarded,
			CanCancel: j.State != rivertype.JobStateCompleted && j.State != rivertype.JobStateCancelled && j.State != rivertype.JobStateDiscarded}
		if n := names[i].TicketNumber; n > 0 {
			row.TicketURL = "/w/" + sc.Workspace.Slug + "/t/" + strconv.FormatInt(n, 10)
		}
		if n := len(j.Errors); n > 0 {
			row.LastError = j.Errors[n-1].Error
		}
		v.Jobs = append(v.Jobs, row)
	}
	h.render(w, r, http.StatusOK, pages.Jobs(v))
}

func (h *Handler) retryJob(w http.ResponseWriter, r *http.Request) {
	h.jobAction(w, r, h.Jobs.Retry, "jobs.retried")
}

func (h *Handler) cancelJob(w http.ResponseWriter, r *http.Request) {
	h.jobAction(w, r, h.Jobs.Cancel, "jobs.cancelled")
}

func (h *Handler) jobAction(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, tenantID uuid.UUID, jobID int64) error, okKey string) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, err := strconv.ParseInt(chi.URLParam(r, "jobID"), 10, 64)
	if err != nil {
		h.fail(w, r, store.ErrNotFound)
		return
	}
	back := "/w/" + sc.Workspace.Slug + "/settings/jobs"
	if key, ok := firstProblem(inputProblems(r)); ok {
		h.flash(r, "error", key)
		seeOther(w, r, back)
		return
	}
	if err := fn(ctx, sc.TenantID(), id); err != nil {
		if h.flashProblem(r, err) {
			seeOther(w, r, back+"?state="+url.QueryEscape(r.PostFormValue("state")))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", okKey)
	seeOther(w, r, back+"?state="+url.QueryEscape(r.PostFormValue("state")))
}
