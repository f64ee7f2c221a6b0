package conversation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Ticket loads one ticket by its workspace number.
func (s *Service) Ticket(ctx context.Context, sc tenant.Scope, number int64) (Ticket, error) {
	var t Ticket
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		t, err = q.TicketByNumber(ctx, dbsqlc.TicketByNumberParams{TenantID: sc.TenantID(), Number: number})
		return notFound(err)
	})
	return t, err
}

// change runs fn on a locked ticket and records the event; every single-ticket action goes
// through here so none forgets the lock, the event or the live notice.
func (s *Service) change(ctx context.Context, sc tenant.Scope, number int64, fn func(q *dbsqlc.Queries, tx pgx.Tx, t Ticket) (kind string, data map[string]any, err error)) error {
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		t, err := q.TicketForUpdate(ctx, dbsqlc.TicketForUpdateParams{TenantID: sc.TenantID(), Number: number})
		if err != nil {
			return notFound(err)
		}
		if err := refuseMergedAway(t); err != nil {
			return err
		}
		kind, data, err := fn(q, tx, t)
		if err != nil || kind == "" {
			return err
		}
		if err := event(ctx, q, tx, sc, t.ID, kind, data); err != nil {
			return err
		}
		return s.changed(ctx, q, tx, sc, t.ID, triggerOf(kind), 0)
	})
}

// Assign gives the ticket to a member of the workspace, or to nobody with uuid.Nil.
func (s *Service) Assign(ctx context.Context, sc tenant.Scope, number int64, userID uuid.UUID) error {
	return s.change(ctx, sc, number, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		return s.assign(ctx, q, sc, t, userID)
	})
}

func (s *Service) assign(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, t Ticket, userID uuid.UUID) (string, map[string]any, error) {
	if userID != uuid.Nil {
		if _, err := q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: sc.TenantID(), UserID: userID}); err != nil {
			return "", nil, validate.Errors{"assignee": "ticket.assignee_invalid"}
		}
		allowed, err := q.MemberMayWorkChannel(ctx, dbsqlc.MemberMayWorkChannelParams{TenantID: sc.TenantID(), UserID: userID, TeamID: t.TeamID, Channel: t.Channel})
		if err != nil {
			return "", nil, fmt.Errorf("conversation: channel access of %s: %w", userID, err)
		}
		if !allowed {
			return "", nil, validate.Errors{"assignee": "ticket.assignee_no_channel"}
		}
	}
	if t.AssigneeID.Valid == (userID != uuid.Nil) && t.AssigneeID.UUID == userID {
		return "", nil, nil
	}
	to := uuid.NullUUID{UUID: userID, Valid: userID != uuid.Nil}
	if err := q.TicketSetAssignee(ctx, dbsqlc.TicketSetAssigneeParams{TenantID: sc.TenantID(), ID: t.ID, AssigneeID: to}); err != nil {
		return "", nil, err
	}
	return "assigned", map[string]any{"from": nullID(t.AssigneeID), "to": nullID(to)}, nil
}

func nullID(u uuid.NullUUID) string {
	if !u.Valid {
		return ""
	}
	return u.UUID.String()
}

// SetStatus moves the ticket; snoozed needs a time in the future (ChangeStatus also returns the
// undo).
func (s *Service) SetStatus(ctx context.Context, sc tenant.Scope, number int64, status string, until *time.Time) error {
	_, err := s.ChangeStatus(ctx, sc, number, status, until)
	return err
}

func (s *Service) setStatus(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, t Ticket, status string, until *time.Time) (string, map[string]any, error) {
	if !slices.Contains(Statuses, status) {
		return "", nil, validate.Errors{"status": "ticket.status_invalid"}
	}
	if status == "snoozed" && (until == nil || !until.After(s.now())) {
		return "", nil, validate.Errors{"snooze_until": "ticket.snooze_future"}
	}
	if status != "snoozed" {
		until = nil
	}
	if status == t.Status && status != "snoozed" {
		return "", nil, nil
	}
	if err := q.TicketSetStatus(ctx, dbsqlc.TicketSetStatusParams{TenantID: sc.TenantID(), ID: t.ID, Status: status, SnoozedUntil: until}); err != nil {
		return "", nil, err
	}
	data := map[string]any{"from": t.Status, "to": status}
	if until != nil {
		data["until"] = until.UTC().Format(time.RFC3339)
	}
	return "status", data, nil
}

// SetPriority sets urgent (0) … low (3).
func (s *Service) SetPriority(ctx context.Context, sc tenant.Scope, number int64, priority int16) error {
	if priority < 0 || priority > 3 {
		return validate.Errors{"priority": "ticket.priority_invalid"}
	}
	return s.change(ctx, sc, number, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		if t.Priority == priority {
			return "", nil, nil
		}
		if err := q.TicketSetPriority(ctx, dbsqlc.TicketSetPriorityParams{TenantID: sc.TenantID(), ID: t.ID, Priority: priority}); err != nil {
			return "", nil, err
		}
		return "priority", map[string]any{"from": Priorities[t.Priority], "to": Priorities[priority]}, nil
	})
}

// NormalizeTags trims, lower-cases, dedupes and sorts tags from a comma-separated field.
func NormalizeTags(raw []string) []string {
	out := []string{}
	for _, r := range raw {
		for _, t := range strings.Split(r, ",") {
			t = strings.ToLower(strings.TrimSpace(t))
			if t != "" && len(t) <= 40 && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	slices.Sort(out)
	return out
}

// SetTags replaces the ticket's tags.
func (s *Service) SetTags(ctx context.Context, sc tenant.Scope, number int64, tags []string) error {
	tags = NormalizeTags(tags)
	return s.change(ctx, sc, number, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		if slices.Equal(t.Tags, tags) {
			return "", nil, nil
		}
		if err := label.CheckNewTx(ctx, q, sc, label.Tag, "tags", added(t.Tags, tags)); err != nil {
			return "", nil, err
		}
		if err := q.TicketSetTags(ctx, dbsqlc.TicketSetTagsParams{TenantID: sc.TenantID(), ID: t.ID, Tags: tags}); err != nil {
			return "", nil, err
		}
		return "tags", map[string]any{"from": t.Tags, "to": tags}, nil
	})
}

// added are the tags in to that from lacks: only those can be new to the catalogue.
func added(from, to []string) []string {
	var out []string
	for _, t := range to {
		if !slices.Contains(from, t) {
			out = append(out, t)
		}
	}
	return out
}

// AddTags adds tags to the ticket, keeping those it has.
func (s *Service) addTags(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, t Ticket, add []string) (string, map[string]any, error) {
	tags := NormalizeTags(append(slices.Clone(t.Tags), add...))
	if slices.Equal(t.Tags, tags) {
		return "", nil, nil
	}
	if err := label.CheckNewTx(ctx, q, sc, label.Tag, "tag", added(t.Tags, tags)); err != nil {
		return "", nil, err
	}
	if err := q.TicketSetTags(ctx, dbsqlc.TicketSetTagsParams{TenantID: sc.TenantID(), ID: t.ID, Tags: tags}); err != nil {
		return "", nil, err
	}
	return "tags", map[string]any{"from": t.Tags, "to": tags}, nil
}

// SetCategory sets the ticket's category ("" clears it).
func (s *Service) SetCategory(ctx context.Context, sc tenant.Scope, number int64, category string) error {
	category = strings.TrimSpace(category)
	if len(category) > 80 {
		return validate.Errors{"category": "ticket.category_too_long"}
	}
	return s.change(ctx, sc, number, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		if t.Category == category {
			return "", nil, nil
		}
		if category != "" {
			if err := label.CheckNewTx(ctx, q, sc, label.Category, "category", []string{category}); err != nil {
				return "", nil, err
			}
		}
		if err := q.TicketSetCategory(ctx, dbsqlc.TicketSetCategoryParams{TenantID: sc.TenantID(), ID: t.ID, Category: category}); err != nil {
			return "", nil, err
		}
		return "category", map[string]any{"from": t.Category, "to": category}, nil
	})
}

// MarkRead records that the person has seen the ticket as it is now.
func (s *Service) MarkRead(ctx context.Context, sc tenant.Scope, ticketID int64) error {
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		return q.TicketMarkRead(ctx, dbsqlc.TicketMarkReadParams{TenantID: sc.TenantID(), TicketID: ticketID, UserID: sc.UserID})
	})
}

// TicketByID loads a ticket by its internal id (threading finds tickets by their messages).
func (s *Service) TicketByID(ctx context.Context, sc tenant.Scope, id int64) (Ticket, error) {
	var t Ticket
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		t, err = q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: sc.TenantID(), ID: id})
		return notFound(err)
	})
	return t, err
}
