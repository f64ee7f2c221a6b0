package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/sysmail"
)

// DigestArgs is the periodic job that mails every due digest.
type DigestArgs struct{}

// Kind names the job.
func (DigestArgs) Kind() string { return "notify.digest" }

// slack lets a run a few minutes early count: the job runs every few minutes, and an hourly
// digest should not slip to the next run because it is 30 seconds short of its hour.
const slack = 5 * time.Minute

// Digests mails every person whose digest is due (hourly or daily) the unread notifications not
// mailed before. A notification is marked mailed in the transaction that claims it, before the
// mail leaves, so none is ever mailed twice — a process that dies while sending loses that mail
// rather than repeating it; a send that fails gives its notifications back for the next run.
func (s *Service) Digests(ctx context.Context) (sent int, err error) {
	if s.mail == nil {
		return 0, errors.New("notify: no system mail sender for digests")
	}
	var tenants []uuid.UUID
	if err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		tenants, err = q.TenantIDs(ctx)
		return err
	}); err != nil {
		return 0, fmt.Errorf("notify: digests: %w", err)
	}
	var errs []error
	for _, tid := range tenants {
		n, err := s.DigestsOf(ctx, tid)
		sent += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// DigestsOf mails the due digests of one workspace.
func (s *Service) DigestsOf(ctx context.Context, tenantID uuid.UUID) (int, error) {
	now := s.now()
	hourly, daily := now.Add(-time.Hour+slack), now.Add(-24*time.Hour+slack)
	var people []uuid.UUID
	if err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		people, err = q.DigestDue(ctx, dbsqlc.DigestDueParams{TenantID: tenantID, HourlyBefore: hourly, DailyBefore: daily})
		return err
	}); err != nil {
		return 0, fmt.Errorf("notify: digests of %s: %w", tenantID, err)
	}
	sent := 0
	var errs []error
	for _, p := range people {
		ok, err := s.digest(ctx, tenantID, p, now, hourly, daily)
		if err != nil {
			errs = append(errs, err)
		} else if ok {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}

func (s *Service) digest(ctx context.Context, tenantID, userID uuid.UUID, now, hourly, daily time.Time) (bool, error) {
	var (
		items []dbsqlc.DigestClaimRow
		prev  *time.Time
		user  dbsqlc.User
		ws    dbsqlc.Tenant
	)
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		lock, err := q.DigestLock(ctx, dbsqlc.DigestLockParams{TenantID: tenantID, UserID: userID, HourlyBefore: hourly, DailyBefore: daily})
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // not due any more, or another worker has it
		} else if err != nil {
			return err
		}
		prev = lock.DigestAt
		if user, err = q.UserByID(ctx, userID); err != nil {
			return err
		}
		if ws, err = q.TenantByID(ctx, tenantID); err != nil {
			return err
		}
		if items, err = q.DigestClaim(ctx, dbsqlc.DigestClaimParams{TenantID: tenantID, UserID: userID, Now: now}); err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		return q.DigestStamp(ctx, dbsqlc.DigestStampParams{TenantID: tenantID, UserID: userID, Now: &now})
	})
	if err != nil || len(items) == 0 {
		if err != nil {
			err = fmt.Errorf("notify: digest for %s: %w", userID, err)
		}
		return false, err
	}
	msg := s.digestMail(user, ws, items)
	sendErr := s.mail.Send(ctx, msg)
	if sendErr == nil {
		return true, nil
	}
	if _, permanent := errors.AsType[*sysmail.PermanentError](sendErr); permanent {
		// The relay refused this mail for good: trying again would only be refused again.
		slog.WarnContext(ctx, "notify: digest refused by the relay", "tenant", tenantID, "user", userID, "error", sendErr)
		return false, nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	if err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := q.DigestRelease(ctx, dbsqlc.DigestReleaseParams{TenantID: tenantID, UserID: userID, Ids: ids, ClaimedAt: &now}); err != nil {
			return err
		}
		return q.DigestStamp(ctx, dbsqlc.DigestStampParams{TenantID: tenantID, UserID: userID, Now: prev})
	}); err != nil {
		return false, errors.Join(sendErr, fmt.Errorf("notify: give back a digest's notifications: %w", err))
	}
	return false, fmt.Errorf("notify: digest for %s: %w", userID, sendErr)
}

// digestMail writes the digest in the person's language and time zone.
func (s *Service) digestMail(u dbsqlc.User, ws dbsqlc.Tenant, items []dbsqlc.DigestClaimRow) sysmail.Message {
	lang := u.Language
	if lang == "" {
		lang = ws.DefaultLanguage
	}
	p := i18n.NewPrinter(lang, Location(u.TimeZone, ws.TimeZone))
	var b strings.Builder
	b.WriteString(p.N("notifications.digest_intro", len(items), ws.Name))
	b.WriteString("\n\n")
	for _, it := range items {
		item := Item{ID: it.ID, Kind: it.Kind, TicketNumber: it.TicketNumber.Int64, Count: max(1, len(it.Tickets)), CreatedAt: it.CreatedAt}
		if it.TicketSubject != nil {
			item.Subject = *it.TicketSubject
		}
		if it.ActorName != nil {
			item.Actor = *it.ActorName
		}
		fmt.Fprintf(&b, "- %s (%s)\n  %s\n", Text(p, item), p.DateTime(it.CreatedAt), s.baseURL+Href(ws.Slug, item))
	}
	b.WriteString("\n")
	b.WriteString(p.T("notifications.digest_footer", s.baseURL+"/account"))
	b.WriteString("\n")
	return sysmail.Message{To: u.Email, Subject: p.N("notifications.digest_subject", len(items), ws.Name), Text: b.String()}
}

// Location is the viewer's time zone: their own when set, else the workspace's, else UTC.
func Location(personal, workspace string) *time.Location {
	for _, name := range []string{personal, workspace} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// Text is what a notification says, in the printer's language.
func Text(p *i18n.Printer, it Item) string {
	switch {
	case it.Kind == "sla_warning" && it.Count > 1:
		return p.N("notifications.sla_warning_group", it.Count)
	case it.Kind == "assigned" && it.Count > 1 && it.Actor != "":
		return p.N("notifications.assigned_group_by", it.Count, it.Actor)
	case it.Kind == "assigned" && it.Count > 1:
		return p.N("notifications.assigned_group", it.Count)
	case (it.Kind == "mention" || it.Kind == "assigned") && it.Actor != "":
		return p.T("notifications."+it.Kind+"_by", it.Actor, it.TicketNumber, it.Subject)
	}
	return p.T("notifications."+it.Kind, it.TicketNumber, it.Subject)
}

// Href is where a notification leads inside the workspace: its ticket, or for a group the
// person's own tickets.
func Href(slug string, it Item) string {
	if it.Count > 1 || it.TicketNumber == 0 {
		return "/w/" + slug + "/inbox?view=mine"
	}
	return fmt.Sprintf("/w/%s/t/%d", slug, it.TicketNumber)
}
