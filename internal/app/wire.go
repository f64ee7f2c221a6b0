package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/live"
	"github.com/shopdesk/shopdesk/internal/mailauth"
	"github.com/shopdesk/shopdesk/internal/mailsink"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/server"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/sysmail"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Parts are one process's services, built the same way for `serve`, the HTTP and browser tests
// and the benchmark.
type Parts struct {
	Store         *store.Store
	Auth          *auth.Service
	Tenants       *tenant.Service
	Conversations *conversation.Service
	Automation    *automation.Engine
	Ingest        *ingest.Service
	Email         *email.Service
	Marketplaces  *marketplace.Service
	Sender        *email.Sender
	Senders       *conversation.Senders
	Jobs          *jobs.Client
	Live          *live.Hub
	Handler       http.Handler
	// SysMail sends system mail; MailSink keeps it when there is no relay outside production
	// (nil otherwise).
	SysMail  *sysmail.Sender
	MailSink *mailsink.Sink
}

// Wire builds the services on pool. With work, the River client works jobs (start it with
// Jobs.Start); the live hub listens until ctx ends.
func Wire(ctx context.Context, pool *pgxpool.Pool, cfg config.Config, logger *slog.Logger, work bool) (*Parts, error) {
	return WireWith(ctx, pool, cfg, logger, work, WireOptions{})
}

// WireOptions are test hooks: a controllable clock for the SLA timers and River.
type WireOptions struct {
	Now       func() time.Time
	RiverTime rivertype.TimeGenerator
	// SendBackoff replaces the reply retry schedule (tests of the retry window).
	SendBackoff func(attempt int) time.Duration
}

// WireWith is Wire with test hooks.
func WireWith(ctx context.Context, pool *pgxpool.Pool, cfg config.Config, logger *slog.Logger, work bool, o WireOptions) (*Parts, error) {
	p := &Parts{Store: store.New(pool)}
	p.Auth = auth.New(p.Store, auth.DefaultThrottle, nil)
	p.Tenants = tenant.New(p.Store, nil)
	p.Tenants.OnCreate = automation.SeedDefaults
	p.Conversations = conversation.New(p.Store, nil, o.Now)
	p.Automation = automation.New(p.Store, o.Now)
	p.Conversations.UseAutomation(p.Automation)
	p.Ingest = ingest.New(p.Store, nil, p.Conversations)
	keys, err := secret.New(cfg.SecretKey, cfg.OldSecretKeys...)
	if err != nil {
		return nil, err
	}
	p.Ingest.UseKeys(keys)
	resolver, err := mailauth.NewResolver(mailauth.ResolverConfig{OverridesPath: cfg.DNSOverrides, Production: cfg.Env == config.EnvProduction})
	if err != nil {
		return nil, err
	}
	p.Ingest.UseVerifier(ingest.Authenticator{Verifier: mailauth.NewVerifier(resolver)})
	p.Ingest.UseOptOut(optOuts{})
	p.Ingest.UseLogger(logger)
	if cfg.RelayURL == nil && cfg.Env != config.EnvProduction {
		p.MailSink = mailsink.New(p.Store)
	}
	if p.SysMail, err = sysmail.New(cfg, p.MailSink); err != nil {
		return nil, err
	}
	p.Email = email.NewService(p.Store, keys)
	p.Marketplaces = marketplace.NewService(p.Store, keys)
	p.Sender = &email.Sender{Accounts: p.Email, InboundDomain: cfg.InboundDomain, Slugs: func(ctx context.Context, id uuid.UUID) (string, error) {
		ws, err := p.Tenants.ByID(ctx, id)
		return ws.Slug, err
	}}
	// Replies go to their channel's sender; a channel with none refuses replies when they are
	// written. In development, email workspaces without a mailbox (the demo) reply into the mail
	// sink, and the ticket page says so; marketplace tickets are still refused. Tests run as "test"
	// and see the refusal.
	if cfg.Env == config.EnvDevelopment && p.MailSink != nil {
		p.Sender.Fallback = &email.SinkSender{Sink: p.MailSink}
	}
	p.Senders = conversation.NewSenders()
	p.Senders.Register("email", p.Sender)
	p.Conversations.UseSenders(p.Senders)
	p.Conversations.UseRetryPolicy(conversation.RetryPolicy{Window: cfg.SendRetryWindow, Backoff: o.SendBackoff})
	softStop := cfg.ShutdownTimeout
	if softStop == 0 {
		softStop = time.Second
	}
	p.Jobs, err = jobs.NewClient(pool, logger, jobs.Options{Work: work, MaxWorkers: max(cfg.WorkerCount, 1), SoftStop: softStop,
		MailPoll: cfg.MailPoll, JobTimeout: cfg.JobTimeout, RescueAfter: cfg.JobRescueAfter, Time: o.RiverTime},
		jobs.Deps{Auth: p.Auth, Conversations: p.Conversations, Ingest: p.Ingest, Email: p.Email, Sender: p.Senders,
			Automation: p.Automation, Store: p.Store, BaseURL: cfg.BaseURL.String(), Tenants: p.Tenants, SysMail: p.SysMail})
	if err != nil {
		return nil, err
	}
	p.Conversations.UseJobs(p.Jobs)
	p.Automation.UseJobs(p.Jobs)
	p.Ingest.UseJobs(p.Jobs)
	p.Auth.UseJobs(p.Jobs)
	p.Auth.UseMailer(p.SysMail, cfg.BaseURL.String())
	p.Tenants.UseMail(p.Jobs, p.SysMail, keys, cfg.BaseURL.String())
	p.Tenants.UseHasher(p.Auth.Hash)
	p.Live = live.New(pool, logger)
	go p.Live.Run(ctx)
	p.Handler = server.New(server.Deps{Config: cfg, Logger: logger, Store: p.Store, Auth: p.Auth, Tenants: p.Tenants,
		Jobs: jobs.NewAdmin(p.Jobs), Conversations: p.Conversations, Live: p.Live, Ingest: p.Ingest, Email: p.Email, Marketplaces: p.Marketplaces, Automation: p.Automation, MailSink: p.MailSink})
	return p, nil
}
