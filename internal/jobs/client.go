// Package jobs wires River: the client, the periodic schedule, and thin workers that call domain
// services. Job arguments that belong to a workspace carry its id in their metadata too, so the
// workspace's admins can see and manage exactly their own jobs.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/sysmail"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Client is River's client over pgx transactions.
type Client = river.Client[pgx.Tx]

// Options say whether this process works jobs or only inserts them.
type Options struct {
	Work       bool
	MaxWorkers int
	SoftStop   time.Duration
	// PeriodicEvery overrides the cleanup period (tests).
	PeriodicEvery time.Duration
	// MailPoll is how often every mailbox is synced (default one minute).
	MailPoll time.Duration
	// JobTimeout and RescueAfter tune River (defaults one minute and ten minutes).
	JobTimeout, RescueAfter time.Duration
	// Time stubs River's clock (tests of the SLA timers).
	Time rivertype.TimeGenerator
	// MailRetry is the retry schedule of mail processing (default ingest.DefaultRetry), and
	// MailUnavailableWait how long processing waits while the database is unavailable (tests).
	MailRetry           ingest.RetrySchedule
	MailUnavailableWait time.Duration
}

// Deps are the domain services workers call.
type Deps struct {
	Auth          *auth.Service
	Conversations *conversation.Service
	// Sender routes replies to their channel's sender.
	Sender *conversation.Senders
	Ingest *ingest.Service
	Email  *email.Service
	// Automation works the SLA and rule timers.
	Automation *automation.Engine
	Store      *store.Store
	// BaseURL is where notice mails link to.
	BaseURL string
	// Tenants mails invitations.
	Tenants *tenant.Service
	// SysMail sends system mail: notices, invitations, password resets.
	SysMail *sysmail.Sender
}

// NewClient builds the River client. Without Work it is insert-only, which is what a web-only
// process needs.
func NewClient(pool *pgxpool.Pool, logger *slog.Logger, opts Options, deps Deps) (*Client, error) {
	cfg := &river.Config{Logger: logger, JobTimeout: opts.JobTimeout, RescueStuckJobsAfter: opts.RescueAfter, Test: river.TestConfig{Time: opts.Time}}
	if opts.Work {
		workers := river.NewWorkers()
		river.AddWorker(workers, &CleanupWorker{auth: deps.Auth, logger: logger})
		river.AddWorker(workers, &ResetMailWorker{auth: deps.Auth})
		if deps.Tenants != nil {
			river.AddWorker(workers, &InviteMailWorker{tenants: deps.Tenants})
		}
		var sender conversation.Sender = deps.Sender
		if deps.Sender == nil {
			// Nothing connected: a queued reply fails with what to do, never shows as sent.
			sender = conversation.NewSenders()
		}
		river.AddWorker(workers, &SendWorker{conversations: deps.Conversations, sender: sender})
		river.AddWorker(workers, &WakeWorker{conversations: deps.Conversations})
		if deps.Ingest != nil {
			retry := mailRetry{schedule: opts.MailRetry, unavailable: opts.MailUnavailableWait, time: opts.Time}
			if retry.schedule == nil {
				retry.schedule = ingest.DefaultRetry
			}
			if retry.unavailable == 0 {
				retry.unavailable = ingest.UnavailableWait
			}
			river.AddWorker(workers, &ProcessWorker{ingest: deps.Ingest, retry: retry})
			river.AddWorker(workers, &ProcessBatchWorker{ingest: deps.Ingest, retry: retry})
			river.AddWorker(workers, &RecoverWorker{ingest: deps.Ingest, logger: logger})
			river.AddWorker(workers, &QuarantineNoticeWorker{ingest: deps.Ingest, mail: deps.SysMail, baseURL: deps.BaseURL, logger: logger})
		}
		poll := opts.MailPoll
		if poll == 0 {
			poll = time.Minute
		}
		if deps.Email != nil {
			river.AddWorker(workers, &SyncWorker{email: deps.Email, ingest: deps.Ingest, logger: logger})
			river.AddWorker(workers, &SyncAllWorker{email: deps.Email, poll: poll})
		}
		if deps.Automation != nil {
			river.AddWorker(workers, &SLATimerWorker{auto: deps.Automation, st: deps.Store})
			river.AddWorker(workers, &RuleTimerWorker{auto: deps.Automation})
			river.AddWorker(workers, &NoticeWorker{auto: deps.Automation, mail: deps.SysMail, baseURL: deps.BaseURL})
		}
		var digests *notify.Service
		if deps.Store != nil && deps.SysMail != nil {
			digests = notify.New(deps.Store, deps.SysMail, deps.BaseURL, nil)
			river.AddWorker(workers, &DigestWorker{notify: digests, logger: logger})
		}
		every := opts.PeriodicEvery
		if every == 0 {
			every = 15 * time.Minute
		}
		cfg.Workers = workers
		// Replies have their own queue, so slow background work never delays a customer's answer.
		cfg.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: max(opts.MaxWorkers, 1)},
			"send":             {MaxWorkers: max(opts.MaxWorkers/2, 1)},
			// SLA warnings and breaches fire at their minute even when mail processing is busy. Many
			// come due together (a morning's tickets, a holiday ending): a short fetch cooldown keeps
			// a burst from queueing behind River's default of one fetch per 100 ms.
			"sla": {MaxWorkers: max(opts.MaxWorkers, 2), FetchCooldown: 5 * time.Millisecond},
		}
		cfg.SoftStopTimeout = opts.SoftStop
		cfg.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
				return CleanupArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true}),
		}
		if digests != nil {
			cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(DigestEvery), func() (river.JobArgs, *river.InsertOpts) {
				return notify.DigestArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: DigestEvery}}
			}, &river.PeriodicJobOpts{RunOnStart: true}))
		}
		if deps.Email != nil {
			cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(poll), func() (river.JobArgs, *river.InsertOpts) {
				return email.SyncAllArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: poll}}
			}, &river.PeriodicJobOpts{RunOnStart: true}))
		}
	}
	c, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	return c, nil
}

// CleanupArgs deletes expired sessions and stale sign-in throttle rows.
type CleanupArgs struct{}

// Kind names the job in River.
func (CleanupArgs) Kind() string { return "auth.cleanup" }

// InsertOpts keeps one cleanup queued at a time even with several processes.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

// CleanupWorker runs CleanupArgs.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	auth   *auth.Service
	logger *slog.Logger
}

// Work calls the auth service.
func (w *CleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	sessions, throttles, err := w.auth.Cleanup(ctx)
	if err != nil {
		return err
	}
	w.logger.DebugContext(ctx, "cleanup", "expired_sessions", sessions, "stale_throttles", throttles)
	return nil
}

// SendWorker delivers one reply through the channel's sender.
type SendWorker struct {
	river.WorkerDefaults[conversation.SendArgs]
	conversations *conversation.Service
	sender        conversation.Sender
}

// Work calls the conversation service, which makes the send idempotent. A transient failure is
// recorded on the reply with its next try, and the job waits until then (River's own backoff
// would not match what the reply shows).
func (w *SendWorker) Work(ctx context.Context, job *river.Job[conversation.SendArgs]) error {
	err := w.conversations.Deliver(ctx, w.sender, job.Args.TenantID, job.Args.MessageID)
	var retry *conversation.RetryError
	if errors.As(err, &retry) {
		return river.JobSnooze(max(retry.After, time.Second))
	}
	return err
}

// WakeWorker reopens a snoozed ticket at its time.
type WakeWorker struct {
	river.WorkerDefaults[conversation.WakeArgs]
	conversations *conversation.Service
}

// Work calls the conversation service.
func (w *WakeWorker) Work(ctx context.Context, job *river.Job[conversation.WakeArgs]) error {
	return w.conversations.Wake(ctx, job.Args)
}

// ProcessWorker runs the mail pipeline for one stored message.
type ProcessWorker struct {
	river.WorkerDefaults[ingest.ProcessArgs]
	ingest *ingest.Service
	retry  mailRetry
}

// Work processes the message; a quarantine is an outcome, not a job failure. The service settles
// a failure: quarantined now, retried soon, or waiting while the database is unavailable.
func (w *ProcessWorker) Work(ctx context.Context, job *river.Job[ingest.ProcessArgs]) error {
	_, err := w.ingest.Process(ctx, job.Args.TenantID, job.Args.ID)
	return w.retry.result(w.ingest.Settle(ctx, job.Args.TenantID, []int64{job.Args.ID}, err, job.Attempt >= job.MaxAttempts))
}

// NextRetry follows the mail retry schedule.
func (w *ProcessWorker) NextRetry(job *river.Job[ingest.ProcessArgs]) time.Time {
	return w.retry.next(job.Attempt)
}

// mailRetry is the retry schedule of the mail processing jobs: quick retries for transient
// failures, a steady wait without using attempts while the database is unavailable.
type mailRetry struct {
	schedule    ingest.RetrySchedule
	unavailable time.Duration
	time        rivertype.TimeGenerator
}

func (r mailRetry) next(attempt int) time.Time {
	now := time.Now()
	if r.time != nil {
		now = r.time.Now()
	}
	return now.Add(r.schedule(attempt))
}

func (r mailRetry) result(st ingest.Settled) error {
	if ingest.IsUnavailable(st.Err) {
		return river.JobSnooze(r.unavailable)
	}
	return st.Err
}

// SyncWorker syncs one email account.
type SyncWorker struct {
	river.WorkerDefaults[email.SyncArgs]
	email  *email.Service
	ingest *ingest.Service
	logger *slog.Logger
}

// Work syncs; a failure is recorded on the account's health page and the next poll tries again,
// so it does not pile up River retries. A run that stopped at its budget continues shortly.
func (w *SyncWorker) Work(ctx context.Context, job *river.Job[email.SyncArgs]) error {
	res, err := w.email.Sync(ctx, job.Args.TenantID, job.Args.AccountID, w.ingest, job.Args.Wake != "")
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		// Logged once per attempt; a failing account's attempts back off, so this is not every minute.
		w.logger.WarnContext(ctx, "mail sync failed", "tenant_id", job.Args.TenantID, "account_id", job.Args.AccountID,
			"failures_in_a_row", res.Failures, "next_attempt", res.NextAttempt, "error", err)
		return nil
	}
	if res.More {
		return river.JobSnooze(time.Second)
	}
	return nil
}

// SyncAllWorker fans the periodic sync out over every active account.
type SyncAllWorker struct {
	river.WorkerDefaults[email.SyncAllArgs]
	email *email.Service
	poll  time.Duration
}

// Work inserts the syncs.
func (w *SyncAllWorker) Work(ctx context.Context, _ *river.Job[email.SyncAllArgs]) error {
	_, err := w.email.EnqueueAll(ctx, riverClientFromContext(ctx), w.poll)
	return err
}

func riverClientFromContext(ctx context.Context) *Client {
	c, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return nil
	}
	return c
}

// ProcessBatchWorker runs the mail pipeline for a sync batch.
type ProcessBatchWorker struct {
	river.WorkerDefaults[ingest.ProcessBatchArgs]
	ingest *ingest.Service
	retry  mailRetry
}

// Work processes the batch; its failures are settled as a single message's are.
func (w *ProcessBatchWorker) Work(ctx context.Context, job *river.Job[ingest.ProcessBatchArgs]) error {
	err := w.ingest.ProcessBatch(ctx, job.Args.TenantID, job.Args.IDs)
	return w.retry.result(w.ingest.Settle(ctx, job.Args.TenantID, job.Args.IDs, err, job.Attempt >= job.MaxAttempts))
}

// NextRetry follows the mail retry schedule.
func (w *ProcessBatchWorker) NextRetry(job *river.Job[ingest.ProcessBatchArgs]) time.Time {
	return w.retry.next(job.Attempt)
}

// SLATimerWorker fires an SLA warning or breach at its minute.
type SLATimerWorker struct {
	river.WorkerDefaults[sla.TimerArgs]
	auto *automation.Engine
	st   *store.Store
}

// Work calls the SLA engine, which makes the job idempotent.
func (w *SLATimerWorker) Work(ctx context.Context, job *river.Job[sla.TimerArgs]) error {
	return w.auto.SLA.Fire(ctx, w.st, job.Args)
}

// RuleTimerWorker runs a time-based rule at its minute.
type RuleTimerWorker struct {
	river.WorkerDefaults[automation.RuleTimerArgs]
	auto *automation.Engine
}

// Work calls the automation engine.
func (w *RuleTimerWorker) Work(ctx context.Context, job *river.Job[automation.RuleTimerArgs]) error {
	return w.auto.FireTimer(ctx, job.Args)
}

// NoticeWorker mails a notification (SLA escalation, rule) to a person of the workspace.
type NoticeWorker struct {
	river.WorkerDefaults[automation.NoticeArgs]
	auto    *automation.Engine
	mail    *sysmail.Sender
	baseURL string
}

// Work writes the notice and sends it as system mail (the relay, or the development mail sink).
func (w *NoticeWorker) Work(ctx context.Context, job *river.Job[automation.NoticeArgs]) error {
	n, err := w.auto.NoticeFor(ctx, job.Args, w.baseURL)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, automation.ErrMailOff) {
		return nil // the ticket or the person is gone, or they turned this mail off
	} else if err != nil {
		return err
	}
	if w.mail == nil {
		return errors.New("jobs: no system mail sender for notices")
	}
	return cancelPermanent(w.mail.Send(ctx, sysmail.Message{To: n.To, Subject: n.Subject, Text: n.Body}))
}

// ResetMailWorker mails a password reset link, when the address has an account.
type ResetMailWorker struct {
	river.WorkerDefaults[auth.ResetMailArgs]
	auth *auth.Service
}

// Work calls the auth service.
func (w *ResetMailWorker) Work(ctx context.Context, job *river.Job[auth.ResetMailArgs]) error {
	return cancelPermanent(w.auth.SendResetMail(ctx, job.Args))
}

// InviteMailWorker mails an invitation's link.
type InviteMailWorker struct {
	river.WorkerDefaults[tenant.InviteMailArgs]
	tenants *tenant.Service
}

// Work calls the tenant service, which records the outcome on the invitation.
func (w *InviteMailWorker) Work(ctx context.Context, job *river.Job[tenant.InviteMailArgs]) error {
	return cancelPermanent(w.tenants.SendInviteMail(ctx, job.Args))
}

// cancelPermanent stops retrying mail the relay refused for good; the failure stays on the job
// (and, for invitations, on the people page).
func cancelPermanent(err error) error {
	if _, ok := errors.AsType[*sysmail.PermanentError](err); ok {
		return river.JobCancel(err)
	}
	return err
}

// DigestEvery is how often due notification digests are looked for; hourly and daily digests
// go out within this much of their time.
const DigestEvery = 5 * time.Minute

// DigestWorker mails the notification digests that are due.
type DigestWorker struct {
	river.WorkerDefaults[notify.DigestArgs]
	notify *notify.Service
	logger *slog.Logger
}

// Work calls the notify service, which claims each notification before mailing it.
func (w *DigestWorker) Work(ctx context.Context, _ *river.Job[notify.DigestArgs]) error {
	n, err := w.notify.Digests(ctx)
	if n > 0 {
		w.logger.InfoContext(ctx, "notification digests sent", "count", n)
	}
	return err
}
