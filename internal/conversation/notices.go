package conversation

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Notification kinds a person can turn off in the app (rule and sla are the rules' and SLA
// policies' own "notify" actions, turned off together as escalations).
const (
	NoticeMention     = "mention"
	NoticeAssigned    = "assigned"
	NoticeSLAWarning  = "sla_warning"
	NoticeReplyFailed = "reply_failed"
	NoticeRule        = "rule"
	NoticeSLA         = "sla"
)

// NoticeKinds are the kinds offered on the account page, in its order.
var NoticeKinds = []string{NoticeMention, NoticeAssigned, NoticeSLAWarning, NoticeReplyFailed, NoticeRule}

// slaGroupWindow: SLA warnings of one person within the same window make one notification.
const slaGroupWindow = 15 * time.Minute

// Notice is one notification for one person.
type Notice struct {
	UserID    uuid.UUID
	Kind      string
	TicketID  int64
	MessageID int64
	// Actor made the change; nobody is notified of their own change. Nil for rules, routing, SLA.
	Actor uuid.UUID
	// Group joins this notice to the person's unread one with the same key.
	Group string
}

// AddNotice writes a notification unless its person is its actor or muted its kind, and tells
// that person's open pages (the bell), in the caller's transaction.
func AddNotice(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, n Notice) error {
	if n.UserID == uuid.Nil || n.UserID == n.Actor {
		return nil
	}
	kind := n.Kind
	if kind == NoticeSLA {
		// Escalations are muted with rules' notices; the list still tells them apart.
		kind = NoticeRule
	}
	p := dbsqlc.NotificationPutParams{TenantID: tenantID, UserID: n.UserID, Kind: n.Kind, Tickets: []int64{},
		ActorID: uuid.NullUUID{UUID: n.Actor, Valid: n.Actor != uuid.Nil}}
	if n.TicketID != 0 {
		p.TicketID = pgtype.Int8{Int64: n.TicketID, Valid: true}
		p.Tickets = []int64{n.TicketID}
	}
	if n.MessageID != 0 {
		p.MessageID = pgtype.Int8{Int64: n.MessageID, Valid: true}
	}
	if n.Group != "" {
		p.GroupKey = &n.Group
	}
	if kind != n.Kind {
		muted, err := mutedKind(ctx, q, tenantID, n.UserID, kind)
		if err != nil || muted {
			return err
		}
	}
	rows, err := q.NotificationPut(ctx, p)
	if err != nil {
		return fmt.Errorf("conversation: notify %s: %w", n.Kind, err)
	}
	if rows == 0 {
		return nil
	}
	return NotifyChange(ctx, tx, Change{TenantID: tenantID, Kind: ChangeNotification, UserID: n.UserID})
}

// ChangeNotification is the live change that carries a person's new notification (or a read
// one) to that person's pages only.
const ChangeNotification = "notification"

func mutedKind(ctx context.Context, q *dbsqlc.Queries, tenantID, userID uuid.UUID, kind string) (bool, error) {
	p, err := q.MemberPrefsGet(ctx, dbsqlc.MemberPrefsGetParams{TenantID: tenantID, UserID: userID})
	if err == pgx.ErrNoRows {
		return false, nil
	} else if err != nil {
		return false, err
	}
	for _, m := range p.Muted {
		if m == kind {
			return true, nil
		}
	}
	return false, nil
}

// noticeForEvent turns trail events that concern one person into notifications: an assignment
// to them, and an SLA warning on their ticket (grouped with the others that warn together).
func noticeForEvent(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, ticketID int64, kind string, data map[string]any, now time.Time) error {
	switch kind {
	case "assigned":
		to, _ := data["to"].(string)
		id, err := uuid.Parse(to)
		if err != nil {
			return nil // unassigned
		}
		group, _ := ctx.Value(noticeGroupKey{}).(string)
		return AddNotice(ctx, q, tx, sc.TenantID(), Notice{UserID: id, Kind: NoticeAssigned, TicketID: ticketID, Actor: sc.UserID, Group: group})
	case "sla_warning":
		t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: sc.TenantID(), ID: ticketID})
		if err != nil {
			return err
		}
		if !t.AssigneeID.Valid {
			return nil
		}
		group := fmt.Sprintf("sla_warning:%d", now.UTC().Truncate(slaGroupWindow).Unix())
		return AddNotice(ctx, q, tx, sc.TenantID(), Notice{UserID: t.AssigneeID.UUID, Kind: NoticeSLAWarning, TicketID: ticketID, Group: group})
	}
	return nil
}

type noticeGroupKey struct{}

// withNoticeGroup makes the notifications of one action on many tickets (a bulk assignment) one
// notification per person: "12 tickets assigned to you by Ana", not twelve.
func withNoticeGroup(ctx context.Context, kind string) context.Context {
	return context.WithValue(ctx, noticeGroupKey{}, kind+":"+uuid.NewString())
}
