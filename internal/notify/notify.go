// Package notify is a person's notifications in a workspace: the bell's count, the list (keyset
// pages, newest first), reading them, the person's preferences and signatures there, and the
// e-mail digest of unread notifications. Notifications are written where the change happens
// (conversation.AddNotice), so they commit or roll back with it.
package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/sysmail"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// BellCap is where the bell stops counting ("99+").
const BellCap = 99

// PageSize is the list's page.
const PageSize = 30

// Digest frequencies.
var Digests = []string{"off", "hourly", "daily"}

// MaxSignatureChars bounds one signature.
const MaxSignatureChars = 2000

// Service reads and changes notifications and the person's settings in a workspace.
type Service struct {
	st      *store.Store
	mail    *sysmail.Sender
	baseURL string
	now     func() time.Time
}

// New makes the service; mail and baseURL are for the digest (nil mail: no digests are sent).
func New(st *store.Store, mail *sysmail.Sender, baseURL string, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, mail: mail, baseURL: strings.TrimRight(baseURL, "/"), now: now}
}

// Item is one notification as the list shows it.
type Item struct {
	ID           int64
	Kind         string
	TicketNumber int64
	Subject      string
	Actor        string
	// Count is the number of tickets a grouped notification stands for (SLA warnings).
	Count     int
	CreatedAt time.Time
	Read      bool
}

// Unread is the bell's count, at most BellCap+1 (shown as "99+").
func (s *Service) Unread(ctx context.Context, sc tenant.Scope) (int, error) {
	var n int
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, UnreadPart(ctx, sc, &n))
	return n, err
}

// UnreadPart reads the bell's count into n as part of another service's pipeline: a page's frame
// then costs no round trip of its own for it.
func UnreadPart(ctx context.Context, sc tenant.Scope, n *int) store.PipelineFunc {
	return func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		c, err := q.NotificationUnreadCount(ctx, dbsqlc.NotificationUnreadCountParams{TenantID: sc.TenantID(), UserID: sc.UserID})
		*n = int(min(c, BellCap+1))
		if err != nil {
			return fmt.Errorf("notify: unread count: %w", err)
		}
		return nil
	}
}

// Page lists the person's notifications older than before (0: the newest), and the cursor of
// the next page (0 when there is none).
func (s *Service) Page(ctx context.Context, sc tenant.Scope, before int64, limit int) ([]Item, int64, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	if limit <= 0 || limit > 100 {
		limit = PageSize
	}
	var rows []dbsqlc.NotificationPageRow
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		var err error
		rows, err = q.NotificationPage(ctx, dbsqlc.NotificationPageParams{TenantID: sc.TenantID(), UserID: sc.UserID, Before: before, Lim: int32(limit + 1)})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("notify: list: %w", err)
	}
	var next int64
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[limit-1].ID
	}
	items := make([]Item, 0, len(rows))
	for _, r := range rows {
		it := Item{ID: r.ID, Kind: r.Kind, TicketNumber: r.TicketNumber.Int64, Count: max(1, len(r.Tickets)), CreatedAt: r.CreatedAt, Read: r.ReadAt != nil}
		if r.TicketSubject != nil {
			it.Subject = *r.TicketSubject
		}
		if r.ActorName != nil {
			it.Actor = *r.ActorName
		}
		items = append(items, it)
	}
	return items, next, nil
}

// Open marks one notification read and says which ticket it is about (0 for a group of
// several, which opens the person's own tickets).
func (s *Service) Open(ctx context.Context, sc tenant.Scope, id int64) (int64, error) {
	var number int64
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		n, err := q.NotificationGet(ctx, dbsqlc.NotificationGetParams{TenantID: sc.TenantID(), UserID: sc.UserID, ID: id})
		if err != nil {
			return store.NotFound(err)
		}
		if len(n.Tickets) <= 1 {
			number = n.TicketNumber.Int64
		}
		rows, err := q.NotificationMarkRead(ctx, dbsqlc.NotificationMarkReadParams{TenantID: sc.TenantID(), UserID: sc.UserID, ID: id})
		if err != nil || rows == 0 {
			return err
		}
		return changed(ctx, tx, sc)
	})
	return number, err
}

// MarkAllRead reads every notification up to upto (the newest the person saw; 0: all).
func (s *Service) MarkAllRead(ctx context.Context, sc tenant.Scope, upto int64) error {
	if upto <= 0 {
		upto = 1<<63 - 1
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		rows, err := q.NotificationMarkAllRead(ctx, dbsqlc.NotificationMarkAllReadParams{TenantID: sc.TenantID(), UserID: sc.UserID, Upto: upto})
		if err != nil || rows == 0 {
			return err
		}
		return changed(ctx, tx, sc)
	})
}

// changed tells the person's other open pages that their count moved.
func changed(ctx context.Context, tx pgx.Tx, sc tenant.Scope) error {
	return conversation.NotifyChange(ctx, tx, conversation.Change{TenantID: sc.TenantID(), Kind: conversation.ChangeNotification, UserID: sc.UserID})
}

// Prefs are a person's notification settings in one workspace.
type Prefs struct {
	// On says, per kind, whether it shows in the app.
	On map[string]bool
	// Mail says, per kind, whether it is mailed: at once for failed replies and escalations
	// (MailedAtOnce), in the digest for the others.
	Mail   map[string]bool
	Digest string
}

// MailedAtOnce says whether a kind is mailed as it happens rather than only in the digest.
func MailedAtOnce(kind string) bool {
	return kind == conversation.NoticeReplyFailed || kind == conversation.NoticeRule
}

// Prefs reads the person's settings (everything on and no digest until they choose).
func (s *Service) Prefs(ctx context.Context, sc tenant.Scope) (Prefs, error) {
	p := Prefs{On: map[string]bool{}, Mail: map[string]bool{}, Digest: "off"}
	for _, k := range conversation.NoticeKinds {
		p.On[k] = true
		p.Mail[k] = true
	}
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		r, err := q.MemberPrefsGet(ctx, dbsqlc.MemberPrefsGetParams{TenantID: sc.TenantID(), UserID: sc.UserID})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		for _, k := range r.Muted {
			p.On[k] = false
		}
		for _, k := range r.MailMuted {
			p.Mail[k] = false
		}
		p.Digest = r.Digest
		return nil
	})
	return p, err
}

// SavePrefs stores which kinds show in the app, which are mailed, and the digest's frequency.
func (s *Service) SavePrefs(ctx context.Context, sc tenant.Scope, p Prefs) error {
	if !slices.Contains(Digests, p.Digest) {
		return validate.Errors{"digest": "notifications.digest_invalid"}
	}
	muted, mailMuted := []string{}, []string{}
	for _, k := range conversation.NoticeKinds {
		if !p.On[k] {
			muted = append(muted, k)
		}
		if !p.Mail[k] {
			mailMuted = append(mailMuted, k)
		}
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		return q.MemberPrefsSave(ctx, dbsqlc.MemberPrefsSaveParams{TenantID: sc.TenantID(), UserID: sc.UserID, Muted: muted, MailMuted: mailMuted, Digest: p.Digest})
	})
}

// SignatureChannels are the channels a person can sign replies on: the channels replies can
// go out on (not "other").
func SignatureChannels() []string {
	var out []string
	for _, c := range conversation.Offered {
		if c != "other" {
			out = append(out, c)
		}
	}
	return out
}

// Signatures reads the person's signatures in the workspace, by channel.
func (s *Service) Signatures(ctx context.Context, sc tenant.Scope) (map[string]string, error) {
	out := map[string]string{}
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.SignaturesOf(ctx, dbsqlc.SignaturesOfParams{TenantID: sc.TenantID(), UserID: sc.UserID})
		for _, r := range rows {
			out[r.Channel] = r.Body
		}
		return err
	})
	return out, err
}

// Signature is the person's signature for one channel ("" when none).
func (s *Service) Signature(ctx context.Context, sc tenant.Scope, channel string) (string, error) {
	var body string
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, SignaturePart(ctx, sc, channel, &body))
	return body, err
}

// SignaturePart reads Signature into body as part of another service's pipeline (the ticket
// page's).
func SignaturePart(ctx context.Context, sc tenant.Scope, channel string, body *string) store.PipelineFunc {
	return func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		var err error
		*body, err = q.SignatureGet(ctx, dbsqlc.SignatureGetParams{TenantID: sc.TenantID(), UserID: sc.UserID, Channel: channel})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("notify: signature: %w", err)
		}
		return nil
	}
}

// SaveSignatures stores one signature per channel; an empty one is removed. Field names are
// "signature_<channel>".
func (s *Service) SaveSignatures(ctx context.Context, sc tenant.Scope, sigs map[string]string) error {
	errs := validate.Errors{}
	channels := SignatureChannels()
	for ch, body := range sigs {
		if !slices.Contains(channels, ch) {
			errs.Add("signature_"+ch, "input.unknown_choice")
		} else if utf8.RuneCountInString(strings.TrimSpace(body)) > MaxSignatureChars {
			errs.Add("signature_"+ch, "account.signature_too_long")
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		for _, ch := range channels {
			body, ok := sigs[ch]
			if !ok {
				continue
			}
			body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
			var err error
			if body == "" {
				err = q.SignatureDelete(ctx, dbsqlc.SignatureDeleteParams{TenantID: sc.TenantID(), UserID: sc.UserID, Channel: ch})
			} else {
				err = q.SignaturePut(ctx, dbsqlc.SignaturePutParams{TenantID: sc.TenantID(), UserID: sc.UserID, Channel: ch, Body: body})
			}
			if err != nil {
				return fmt.Errorf("notify: signature %s: %w", ch, err)
			}
		}
		return nil
	})
}
