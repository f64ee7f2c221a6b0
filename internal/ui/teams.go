package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/validate"
	"github.com/shopdesk/shopdesk/web/components"
	"github.com/shopdesk/shopdesk/web/pages"
)

func (h *Handler) teamsView(r *http.Request) (pages.TeamsView, error) {
	ctx := r.Context()
	sc := currentScope(ctx)
	teams, err := h.Automation.Teams(ctx, sc)
	if err != nil {
		return pages.TeamsView{}, err
	}
	members, err := h.Tenants.Members(ctx, sc)
	if err != nil {
		return pages.TeamsView{}, err
	}
	cals, err := h.Automation.Calendars(ctx, sc)
	if err != nil {
		return pages.TeamsView{}, err
	}
	v := pages.TeamsView{Shell: h.shell(r, i18n.T(ctx, "settings.teams"), "settings"), Slug: sc.Workspace.Slug,
		Values: map[string]string{"tier": "1", "assignment": "round_robin"}}
	for _, m := range members {
		v.People = append(v.People, components.Option{Value: m.UserID.String(), Label: m.Name + " <" + m.Email + ">"})
	}
	v.Calendars = []components.Option{{Value: "", Label: i18n.T(ctx, "sla.calendar_default")}}
	for _, c := range cals {
		v.Calendars = append(v.Calendars, components.Option{Value: c.ID.String(), Label: c.Name})
	}
	if v.Marketplaces, err = h.Automation.Marketplaces(ctx, sc); err != nil {
		return pages.TeamsView{}, err
	}
	for _, t := range teams {
		row := pages.TeamRow{ID: t.ID.String(), Name: t.Name, Tier: strconv.Itoa(int(t.Tier)), Assignment: t.Assignment}
		if t.CalendarID.Valid {
			row.CalendarID = t.CalendarID.UUID.String()
		}
		for _, m := range t.Members {
			row.Members = append(row.Members, pages.TeamMemberRow{UserID: m.UserID.String(), Name: m.Name, Email: m.Email, Availability: m.Availability,
				Capacity: capacityText(ctx, m.Capacity), Languages: m.Languages, Marketplaces: m.Marketplaces, Channels: m.Channels})
		}
		v.Teams = append(v.Teams, row)
	}
	return v, nil
}

// capacityText writes {"email": 2, "*": 5} as "email: 2, *: 5".
// capacityText shows a member's open-ticket limits per channel with the channels' names; "*" is
// every other channel.
func capacityText(ctx context.Context, b []byte) string {
	var m map[string]int
	if json.Unmarshal(b, &m) != nil || len(m) == 0 {
		return "—"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Named channels first, "every other channel" last.
	sort.Slice(keys, func(i, j int) bool {
		return (keys[i] != "*" && keys[j] == "*") || (keys[i] != "*" && keys[j] != "*" && keys[i] < keys[j])
	})
	var parts []string
	for _, k := range keys {
		name := pages.ValueText(ctx, "channel", k)
		if k == "*" {
			name = i18n.T(ctx, "teams.other_channels")
		}
		parts = append(parts, name+": "+strconv.Itoa(m[k]))
	}
	return strings.Join(parts, ", ")
}

// parseCapacity reads "email: 2, amazon: 3, *: 5" (a bare number means all channels).
func parseCapacity(s string) (map[string]int, bool) {
	out := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			k, v = "*", part
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return nil, false
		}
		out[strings.TrimSpace(strings.ToLower(k))] = n
	}
	return out, true
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(strings.ToLower(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (h *Handler) showTeams(w http.ResponseWriter, r *http.Request) {
	v, err := h.teamsView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, pages.Teams(v))
}

func teamInputOf(r *http.Request) automation.TeamInput {
	cal, _ := uuid.Parse(r.PostFormValue("calendar_id"))
	return automation.TeamInput{Name: r.PostFormValue("name"), Tier: r.PostFormValue("tier"), Assignment: r.PostFormValue("assignment"), CalendarID: cal}
}

func (h *Handler) createTeam(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	in := teamInputOf(r)
	err := inputProblems(r)
	if err == nil {
		_, err = h.Automation.SaveTeam(ctx, sc, uuid.Nil, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.teamsView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Errors, v.Values = fe, map[string]string{"name": in.Name, "tier": in.Tier, "assignment": in.Assignment}
		h.render(w, r, http.StatusUnprocessableEntity, pages.Teams(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "teams.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/teams")
}

func (h *Handler) saveTeam(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, ok := h.teamParam(w, r)
	if !ok {
		return
	}
	in := teamInputOf(r)
	err := inputProblems(r)
	if err == nil {
		_, err = h.Automation.SaveTeam(ctx, sc, id, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.teamsView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Team = pages.TeamForm{ID: id.String(), Errors: fe, Values: map[string]string{"name": in.Name, "tier": in.Tier,
			"assignment": in.Assignment, "calendar_id": r.PostFormValue("calendar_id")}}
		h.render(w, r, http.StatusUnprocessableEntity, pages.Teams(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "teams.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/teams")
}

// setTeamMember adds a person to one team or edits their place in it. A refused form comes back
// with what was entered and the reason at the field it concerns.
func (h *Handler) setTeamMember(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, ok := h.teamParam(w, r)
	if !ok {
		return
	}
	user, _ := uuid.Parse(r.PostFormValue("user_id"))
	in := automation.MemberInput{Languages: formList(r, "languages"), Marketplaces: formList(r, "marketplaces"), Channels: formList(r, "channels")}
	err := inputProblems(r)
	capacity, ok := parseCapacity(r.PostFormValue("capacity"))
	if err == nil && !ok {
		err = validate.Errors{"capacity": "teams.capacity_invalid"}
	} else if err == nil && user == uuid.Nil {
		err = validate.Errors{"user": "teams.member_unknown"}
	} else if err == nil {
		in.Capacity = capacity
		err = h.Automation.SetTeamMember(ctx, sc, id, user, in)
	}
	if fe, ok := fieldErrors(ctx, err); ok {
		v, verr := h.teamsView(r)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		key := pages.MemberFormKey(id.String(), user.String())
		if !teamHasMember(v, id.String(), user.String()) {
			key = pages.MemberFormKey(id.String(), "new")
		}
		v.Member = pages.MemberForm{Key: key, UserID: r.PostFormValue("user_id"), Capacity: r.PostFormValue("capacity"),
			Languages: in.Languages, Marketplaces: in.Marketplaces, Channels: in.Channels, Errors: fe}
		h.render(w, r, http.StatusUnprocessableEntity, pages.Teams(v))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "teams.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/teams")
}

func teamHasMember(v pages.TeamsView, teamID, userID string) bool {
	for _, t := range v.Teams {
		if t.ID != teamID {
			continue
		}
		for _, m := range t.Members {
			if m.UserID == userID {
				return true
			}
		}
	}
	return false
}

// formList reads a multiple select (one value per entry); a comma-separated entry, as older forms
// posted, is split too.
func formList(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.PostForm[name] {
		for _, p := range splitList(v) {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// flashProblem shows a form problem of a one-line form as the next page's error message.
func (h *Handler) flashProblem(r *http.Request, err error) bool {
	var ve validate.Errors
	if !errors.As(err, &ve) {
		return false
	}
	keys := make([]string, 0, len(ve))
	for _, k := range ve {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h.flash(r, "error", keys[0])
	return true
}

// setAvailability is a person marking themselves online or away in this workspace (routing gives
// new tickets only to those online; coming online takes waiting ones).
func (h *Handler) setAvailability(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	err := inputProblems(r)
	if err == nil {
		err = h.Automation.SetAvailability(ctx, sc, sc.UserID, r.PostFormValue("availability"))
	}
	if err != nil {
		if h.flashProblem(r, err) {
			seeOther(w, r, "/w/"+sc.Workspace.Slug+"/inbox")
			return
		}
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "nav.availability_saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/inbox")
}

// teamParam is the team named by the URL; another workspace's team is not found (and answered)
// before its form is judged.
func (h *Handler) teamParam(w http.ResponseWriter, r *http.Request) (uuid.UUID, bool) {
	id, err := uuidParam(r, "teamID")
	if err == nil {
		_, err = h.Automation.Team(r.Context(), currentScope(r.Context()), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return uuid.Nil, false
	}
	return id, true
}

func (h *Handler) removeTeamMember(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := currentScope(ctx)
	id, ok := h.teamParam(w, r)
	if !ok {
		return
	}
	user, err := uuidParam(r, "userID")
	if err == nil {
		err = h.Automation.RemoveTeamMember(ctx, sc, id, user)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "success", "teams.saved")
	seeOther(w, r, "/w/"+sc.Workspace.Slug+"/settings/teams")
}

// channelsText names channels in the reader's language.
func channelsText(ctx context.Context, chs []string) string {
	names := make([]string, len(chs))
	for i, ch := range chs {
		names[i] = pages.ValueText(ctx, "channel", ch)
	}
	return strings.Join(names, ", ")
}
