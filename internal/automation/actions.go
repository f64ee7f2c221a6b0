package automation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// apply runs actions on the ticket, each change on the trail with who made it ("rule:Name" or
// "sla:Policy"). facts follow the changes, so a later rule sees what an earlier one did. An action
// whose target no longer exists (a deleted team) is skipped with a line on the trail.
func (e *Engine) apply(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tid uuid.UUID, ticketID int64, actions []rule.Action, by string, facts *rule.Facts) error {
	sc := system(tid)
	rec := func(kind string, data map[string]any) error {
		data["by"] = by
		return conversation.RecordEvent(ctx, q, tx, sc, ticketID, kind, data)
	}
	for _, a := range actions {
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: ticketID})
		if err != nil {
			return err
		}
		skip := func(reason string) error {
			return rec("action_skipped", map[string]any{"action": a.Type, "value": a.Value, "reason": reason})
		}
		switch a.Type {
		case "set_priority", "raise_priority":
			p := slices.Index(conversation.Priorities, a.Value)
			if a.Type == "raise_priority" {
				p = max(int(t.Priority)-1, 0)
			}
			if p < 0 || int16(p) == t.Priority {
				continue
			}
			if err := q.TicketSetPriority(ctx, dbsqlc.TicketSetPriorityParams{TenantID: tid, ID: ticketID, Priority: int16(p)}); err != nil {
				return err
			}
			facts.Priority = conversation.Priorities[p]
			if err := rec("priority", map[string]any{"from": conversation.Priorities[t.Priority], "to": conversation.Priorities[p]}); err != nil {
				return err
			}
		case "add_tag":
			tags := conversation.NormalizeTags(append(slices.Clone(t.Tags), a.Value))
			if slices.Equal(tags, t.Tags) {
				continue
			}
			if err := q.TicketSetTags(ctx, dbsqlc.TicketSetTagsParams{TenantID: tid, ID: ticketID, Tags: tags}); err != nil {
				return err
			}
			facts.Tags = tags
			if err := rec("tags", map[string]any{"from": t.Tags, "to": tags}); err != nil {
				return err
			}
		case "set_category":
			if t.Category == a.Value {
				continue
			}
			if err := q.TicketSetCategory(ctx, dbsqlc.TicketSetCategoryParams{TenantID: tid, ID: ticketID, Category: a.Value}); err != nil {
				return err
			}
			if err := rec("category", map[string]any{"from": t.Category, "to": a.Value}); err != nil {
				return err
			}
		case "set_status":
			if t.Status == a.Value || !slices.Contains([]string{"open", "pending", "resolved", "closed"}, a.Value) {
				continue
			}
			if err := q.TicketSetStatus(ctx, dbsqlc.TicketSetStatusParams{TenantID: tid, ID: ticketID, Status: a.Value}); err != nil {
				return err
			}
			facts.Status = a.Value
			if err := rec("status", map[string]any{"from": t.Status, "to": a.Value}); err != nil {
				return err
			}
		case "apply_sla":
			id, err := uuid.Parse(a.Value)
			if err != nil {
				return skip("bad policy id")
			}
			p, err := q.SLAPolicyGet(ctx, dbsqlc.SLAPolicyGetParams{TenantID: tid, ID: id})
			if errors.Is(err, pgx.ErrNoRows) {
				if err := skip("policy deleted"); err != nil {
					return err
				}
				continue
			} else if err != nil {
				return err
			}
			if err := q.TicketPinSLAPolicy(ctx, dbsqlc.TicketPinSLAPolicyParams{TenantID: tid, ID: ticketID, SlaPolicyID: uuid.NullUUID{UUID: id, Valid: true}}); err != nil {
				return err
			}
			if err := rec("sla_policy", map[string]any{"policy": p.Name}); err != nil {
				return err
			}
		case "assign_team", "escalate":
			team, err := e.targetTeam(ctx, q, tid, t, a)
			if err != nil {
				return err
			}
			if team == nil {
				if err := skip("no such team"); err != nil {
					return err
				}
				continue
			}
			if t.TeamID.Valid && t.TeamID.UUID == team.ID {
				continue
			}
			if err := q.TicketSetTeam(ctx, dbsqlc.TicketSetTeamParams{TenantID: tid, ID: ticketID, TeamID: uuid.NullUUID{UUID: team.ID, Valid: true}}); err != nil {
				return err
			}
			// A ticket handed to another team leaves its agent's plate; routing picks within the team.
			if t.AssigneeID.Valid {
				if err := q.TicketSetAssignee(ctx, dbsqlc.TicketSetAssigneeParams{TenantID: tid, ID: ticketID}); err != nil {
					return err
				}
			}
			if err := rec("team", map[string]any{"to": team.Name, "tier": team.Tier}); err != nil {
				return err
			}
		case "assign_agent":
			id, err := uuid.Parse(a.Value)
			if err != nil {
				return skip("bad person id")
			}
			_, err = q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: tid, UserID: id})
			if errors.Is(err, pgx.ErrNoRows) {
				if err := skip("not a member"); err != nil {
					return err
				}
				continue
			} else if err != nil {
				return err
			}
			allowed, err := q.MemberMayWorkChannel(ctx, dbsqlc.MemberMayWorkChannelParams{TenantID: tid, UserID: id, TeamID: t.TeamID, Channel: t.Channel})
			if err != nil {
				return fmt.Errorf("automation: channel access of %s: %w", id, err)
			}
			if !allowed {
				if err := skip("no access to the channel"); err != nil {
					return err
				}
				continue
			}
			if t.AssigneeID.Valid && t.AssigneeID.UUID == id {
				continue
			}
			if err := q.TicketSetAssignee(ctx, dbsqlc.TicketSetAssigneeParams{TenantID: tid, ID: ticketID, AssigneeID: uuid.NullUUID{UUID: id, Valid: true}}); err != nil {
				return err
			}
			if err := rec("assigned", map[string]any{"from": nullID(t.AssigneeID), "to": id.String()}); err != nil {
				return err
			}
		case "notify":
			if err := e.notify(ctx, q, tx, tid, t, a.Value, by); err != nil {
				return err
			}
		default:
			return fmt.Errorf("automation: unknown action %q", a.Type)
		}
	}
	return nil
}

// targetTeam is the team an assign_team or escalate action moves the ticket to: the named team,
// or the first team one tier up.
func (e *Engine) targetTeam(ctx context.Context, q *dbsqlc.Queries, tid uuid.UUID, t dbsqlc.TicketRow, a rule.Action) (*dbsqlc.Team, error) {
	var team dbsqlc.Team
	var err error
	if a.Type == "escalate" {
		tier := int16(2)
		if t.TeamID.Valid {
			cur, err := q.TeamGet(ctx, dbsqlc.TeamGetParams{TenantID: tid, ID: t.TeamID.UUID})
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return nil, err
			}
			if err == nil {
				tier = min(cur.Tier+1, 3)
			}
		}
		team, err = q.TeamByTier(ctx, dbsqlc.TeamByTierParams{TenantID: tid, Tier: tier})
	} else {
		id, perr := uuid.Parse(a.Value)
		if perr != nil {
			return nil, nil
		}
		team, err = q.TeamGet(ctx, dbsqlc.TeamGetParams{TenantID: tid, ID: id})
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &team, nil
}

// notify puts the ticket in people's notification list: "assignee", "team" (the ticket's team),
// "admins", or one person's id.
func (e *Engine) notify(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tid uuid.UUID, t dbsqlc.TicketRow, who, by string) error {
	var people []uuid.UUID
	switch who {
	case "assignee":
		if t.AssigneeID.Valid {
			people = append(people, t.AssigneeID.UUID)
		}
	case "team":
		if t.TeamID.Valid {
			ms, err := q.TeamMembers(ctx, dbsqlc.TeamMembersParams{TenantID: tid, TeamID: t.TeamID.UUID})
			if err != nil {
				return err
			}
			for _, m := range ms {
				people = append(people, m.UserID)
			}
		}
	case "admins":
		ms, err := q.MembershipList(ctx, tid)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Role == "admin" || m.Role == "manager" {
				people = append(people, m.UserID)
			}
		}
	default:
		if id, err := uuid.Parse(who); err == nil {
			people = append(people, id)
		}
	}
	kind := "rule"
	if len(by) > 4 && by[:4] == "sla:" {
		kind = "sla"
	}
	stamp := e.now().UnixMilli()
	for _, p := range people {
		if err := conversation.AddNotice(ctx, q, tx, tid, conversation.Notice{UserID: p, Kind: kind, TicketID: t.ID}); err != nil {
			return err
		}
		if e.jobs != nil {
			if _, err := e.jobs.InsertTx(ctx, tx, NoticeArgs{TenantID: tid, UserID: p, TicketID: t.ID, Why: by, Event: stamp},
				&river.InsertOpts{Metadata: conversation.TenantMetadata(tid)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func nullID(u uuid.NullUUID) string {
	if !u.Valid {
		return ""
	}
	return u.UUID.String()
}

// MailNotice queues the notice mail to one person (conversation.Noticer: a failed reply tells
// its author and the assignee).
func (e *Engine) MailNotice(ctx context.Context, tx pgx.Tx, tenantID, userID uuid.UUID, ticketID int64, why string, event int64) error {
	if e.jobs == nil {
		return nil
	}
	_, err := e.jobs.InsertTx(ctx, tx, NoticeArgs{TenantID: tenantID, UserID: userID, TicketID: ticketID, Why: why, Event: event},
		&river.InsertOpts{Metadata: conversation.TenantMetadata(tenantID)})
	return err
}

// NoticeArgs mails one person about a ticket that needs them (an escalation's or a rule's notify).
type NoticeArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	UserID   uuid.UUID `json:"user_id"`
	TicketID int64     `json:"ticket_id"`
	Why      string    `json:"why"` // "sla:Amazon", "rule:VIP"
	// Event makes the job unique per occurrence (a breach notifies once, however often retried).
	Event int64 `json:"event"`
}

// Kind names the job.
func (NoticeArgs) Kind() string { return "notify.email" }

// InsertOpts: one mail per person and occurrence.
func (NoticeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Notice is the mail a NoticeArgs job sends.
type Notice struct {
	To, Subject, Body string
}

// ErrMailOff says the person turned off e-mail for the notice's kind on their notification
// settings: the job has nothing to send.
var ErrMailOff = errors.New("automation: the person turned this notification's e-mail off")

// noticeKind is the notification kind a notice's reason belongs to, as the person's settings
// name it (SLA escalations go with rules).
func noticeKind(why string) string {
	if kind, _, _ := strings.Cut(why, ":"); kind == conversation.NoticeReplyFailed {
		return conversation.NoticeReplyFailed
	}
	return conversation.NoticeRule
}

// NoticeFor writes the notice in the person's language: which ticket, why, and the link to it.
// It answers ErrMailOff when the person does not want this kind mailed (checked when the mail
// is written, so a change made after the notice was queued counts).
func (e *Engine) NoticeFor(ctx context.Context, a NoticeArgs, baseURL string) (Notice, error) {
	var n Notice
	err := e.st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: a.TenantID, ID: a.TicketID})
		if err != nil {
			return notFound(err)
		}
		ws, err := q.TenantByID(ctx, a.TenantID)
		if err != nil {
			return err
		}
		ms, err := q.MembershipList(ctx, a.TenantID)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ms, func(m dbsqlc.MembershipListRow) bool { return m.UserID == a.UserID }) {
			return store.ErrNotFound
		}
		off, err := q.MemberMailMuted(ctx, dbsqlc.MemberMailMutedParams{TenantID: a.TenantID, UserID: a.UserID, Kind: noticeKind(a.Why)})
		if err != nil {
			return err
		} else if off {
			return ErrMailOff
		}
		u, err := q.UserByID(ctx, a.UserID)
		if err != nil {
			return notFound(err)
		}
		n.To = u.Email
		lang := u.Language
		if lang == "" {
			lang = ws.DefaultLanguage
		}
		p := i18n.NewPrinter(lang, nil)
		kind, name, _ := strings.Cut(a.Why, ":")
		reason := p.T("notice_mail.rule", name)
		switch kind {
		case "sla":
			reason = p.T("notice_mail.sla_close", name)
			if t.SlaState == "breached" {
				reason = p.T("notice_mail.sla_breached", name)
			}
		case conversation.NoticeReplyFailed:
			reason = p.T("notice_mail.reply_failed", name)
		}
		base := strings.TrimRight(baseURL, "/")
		n.Subject = fmt.Sprintf("[%s] #%d %s", ws.Name, t.Number, t.Subject)
		n.Body = fmt.Sprintf("%s\n\n#%d %s\n%s/w/%s/t/%d\n\n%s\n", reason, t.Number, t.Subject, base, ws.Slug, t.Number,
			p.T("notice_mail.footer", base+"/w/"+ws.Slug+"/account"))
		return nil
	})
	return n, err
}
