package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// quarantine keeps stored messages that cannot be processed, with the reason, and queues the
// admins' notice.
func (s *Service) quarantine(ctx context.Context, tenantID uuid.UUID, ids []int64, reason string) error {
	return s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		n, err := q.InboundQuarantine(ctx, dbsqlc.InboundQuarantineParams{TenantID: tenantID, Ids: ids, Error: reason})
		if err != nil || n == 0 {
			return err
		}
		return s.queueNotice(ctx, tx, tenantID)
	})
}

// Reason is one distinct quarantine reason and how many messages it holds.
type Reason = dbsqlc.InboundQuarantineReasonsRow

// Reasons lists the distinct reasons of the workspace's quarantine, most messages first.
func (s *Service) Reasons(ctx context.Context, sc tenant.Scope) ([]Reason, error) {
	var out []Reason
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.InboundQuarantineReasons(ctx, sc.TenantID())
		return err
	})
	return out, err
}

// RetryReason puts every message quarantined with this reason back into processing, one job each,
// in one transaction. Asking twice retries once: the second finds none left (0).
func (s *Service) RetryReason(ctx context.Context, sc tenant.Scope, reason string) (int, error) {
	stamp := int(s.now().Unix())
	var n int
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		ids, err := q.InboundRequeueReason(ctx, dbsqlc.InboundRequeueReasonParams{TenantID: sc.TenantID(), Error: reason})
		if err != nil {
			return err
		}
		n = len(ids)
		if n == 0 {
			return validate.Errors{"reason": "quarantine.none_with_reason"}
		}
		return s.queueMany(ctx, tx, sc.TenantID(), ids, func(id int64) river.JobArgs {
			return ProcessArgs{TenantID: sc.TenantID(), ID: id, Retry: stamp}
		})
	})
	return n, err
}

// queueMany inserts one job per stored message, in pages.
func (s *Service) queueMany(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, ids []int64, args func(int64) river.JobArgs) error {
	if s.jobs == nil {
		return nil
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		params := make([]river.InsertManyParams, n)
		for i, id := range ids[:n] {
			params[i] = river.InsertManyParams{Args: args(id), InsertOpts: &river.InsertOpts{Metadata: conversation.TenantMetadata(tenantID)}}
		}
		if _, err := s.jobs.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("ingest: queue processing: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

// Backlog is what waits for processing in a workspace.
type Backlog struct {
	Pending int64
	Oldest  time.Time // zero without pending messages
	// UnavailableSince is set while processing finds the database unavailable (this process).
	UnavailableSince time.Time
}

// Backlog counts the workspace's messages waiting for processing and the age of the oldest.
func (s *Service) Backlog(ctx context.Context, sc tenant.Scope) (Backlog, error) {
	var b Backlog
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		row, err := q.InboundBacklog(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		b.Pending = row.Pending
		if row.Pending > 0 {
			b.Oldest = row.Oldest
		}
		return nil
	})
	b.UnavailableSince, _ = s.DatabaseUnavailable()
	return b, err
}

// DefaultNoticeDelay is how long a quarantine notice waits, so a burst of quarantined mail is one
// notice.
const DefaultNoticeDelay = 2 * time.Minute

// QuarantineNoticeArgs tells a workspace's admins about newly quarantined mail, once per burst.
type QuarantineNoticeArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
}

// Kind names the job.
func (QuarantineNoticeArgs) Kind() string { return "mail.quarantine_notice" }

// InsertOpts: one notice waiting per workspace at a time; quarantines meanwhile join it.
func (QuarantineNoticeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable}}}
}

// NoticeDelay is how long a quarantine notice waits for the rest of a burst.
func (s *Service) NoticeDelay() time.Duration { return s.noticeDelay }

func (s *Service) queueNotice(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID) error {
	if s.jobs == nil {
		return nil
	}
	_, err := s.jobs.InsertTx(ctx, tx, QuarantineNoticeArgs{TenantID: tenantID},
		&river.InsertOpts{ScheduledAt: s.now().Add(s.noticeDelay), Metadata: conversation.TenantMetadata(tenantID)})
	if err != nil {
		return fmt.Errorf("ingest: queue quarantine notice: %w", err)
	}
	return nil
}

// Notice is the one mail a workspace's admins get about a burst of quarantined mail: how many
// messages, for which reasons, and where to look.
type Notice struct {
	IDs           []int64
	Reasons       []Reason
	To            []string
	Subject, Body string
}

// QuarantineNotice writes the notice of the quarantined mail the admins have not been told about
// yet (no IDs: nothing new).
func (s *Service) QuarantineNotice(ctx context.Context, tenantID uuid.UUID, baseURL string) (Notice, error) {
	var n Notice
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.InboundUnnotified(ctx, tenantID)
		if err != nil || len(rows) == 0 {
			return err
		}
		at := map[string]int{}
		for _, r := range rows {
			n.IDs = append(n.IDs, r.ID)
			i, ok := at[r.Error]
			if !ok {
				i = len(n.Reasons)
				at[r.Error] = i
				n.Reasons = append(n.Reasons, Reason{Error: r.Error})
			}
			n.Reasons[i].N++
		}
		ws, err := q.TenantByID(ctx, tenantID)
		if err != nil {
			return err
		}
		ms, err := q.MembershipList(ctx, tenantID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Role == "admin" {
				n.To = append(n.To, m.Email)
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d incoming %s could not be processed and %s kept in the quarantine:\n\n",
			len(rows), plural(len(rows), "message", "messages"), plural(len(rows), "is", "are"))
		for _, r := range n.Reasons {
			fmt.Fprintf(&b, "- %d × %s\n", r.N, r.Error)
		}
		fmt.Fprintf(&b, "\nEach one can be downloaded or tried again, one by one or all with the same reason:\n%s/w/%s/settings/mail\n",
			strings.TrimRight(baseURL, "/"), ws.Slug)
		n.Subject = fmt.Sprintf("[%s] %d incoming %s quarantined", ws.Name, len(rows), plural(len(rows), "message", "messages"))
		n.Body = b.String()
		return nil
	})
	return n, err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// MarkNotified records that the admins were told about these quarantined messages.
func (s *Service) MarkNotified(ctx context.Context, tenantID uuid.UUID, ids []int64) error {
	return s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		return q.InboundMarkNotified(ctx, dbsqlc.InboundMarkNotifiedParams{TenantID: tenantID, Ids: ids})
	})
}
