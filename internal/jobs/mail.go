package jobs

import (
	"context"
	"errors"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/sysmail"
)

// RecoverWorker runs the one-time recovery of mail lost by the old duplicate rules.
type RecoverWorker struct {
	river.WorkerDefaults[ingest.RecoverArgs]
	ingest *ingest.Service
	logger *slog.Logger
}

// Work requeues the lost mail; the processing jobs it inserts do the rest.
func (w *RecoverWorker) Work(ctx context.Context, _ *river.Job[ingest.RecoverArgs]) error {
	n, err := w.ingest.Recover(ctx)
	if err != nil {
		return err
	}
	w.logger.InfoContext(ctx, "mail recovery queued stored messages for processing again", "messages", n)
	return nil
}

// QuarantineNoticeWorker mails a workspace's admins one notice for a burst of quarantined mail.
type QuarantineNoticeWorker struct {
	river.WorkerDefaults[ingest.QuarantineNoticeArgs]
	ingest  *ingest.Service
	mail    *sysmail.Sender
	baseURL string
	logger  *slog.Logger
}

// Work sends the notice and marks its messages told. Mail quarantined while it ran is told by the
// same job run again a little later (it snoozes), since a notice waiting or running is unique.
func (w *QuarantineNoticeWorker) Work(ctx context.Context, job *river.Job[ingest.QuarantineNoticeArgs]) error {
	n, err := w.ingest.QuarantineNotice(ctx, job.Args.TenantID, w.baseURL)
	if err != nil || len(n.IDs) == 0 {
		return err
	}
	if w.mail != nil {
		// Each admin is told once: a failure for one is logged and the others still get theirs;
		// only when nobody could be reached does the job retry (and then nobody has it yet).
		var lastErr error
		sent := 0
		for _, to := range n.To {
			err := w.mail.Send(ctx, sysmail.Message{To: to, Subject: n.Subject, Text: n.Body})
			if err == nil {
				sent++
				continue
			}
			w.logger.WarnContext(ctx, "quarantine notice not sent", "tenant_id", job.Args.TenantID, "to", to, "error", err)
			if _, ok := errors.AsType[*sysmail.PermanentError](err); !ok {
				lastErr = err
			}
		}
		if sent == 0 && lastErr != nil {
			return lastErr
		}
	}
	if err := w.ingest.MarkNotified(ctx, job.Args.TenantID, n.IDs); err != nil {
		return err
	}
	more, err := w.ingest.QuarantineNotice(ctx, job.Args.TenantID, w.baseURL)
	if err == nil && len(more.IDs) > 0 {
		return river.JobSnooze(w.ingest.NoticeDelay())
	}
	return err
}
