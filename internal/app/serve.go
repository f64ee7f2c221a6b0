package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/failpoint"
	"github.com/shopdesk/shopdesk/internal/migrate"
	"github.com/shopdesk/shopdesk/internal/store"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	role := fs.String("role", "", "override SHOPDESK_ROLE: all, web or worker")
	if err := fs.Parse(args); err != nil {
		return err
	}
	env := envOr(getenv)
	if *role != "" {
		outer := env
		env = func(k string) string {
			if k == "SHOPDESK_ROLE" {
				return *role
			}
			return outer(k)
		}
	}
	cfg, err := config.Load(env, true, true)
	if err != nil {
		return err
	}
	logger := NewLogger(cfg, stderr)
	TuneGC()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return Serve(ctx, cfg, logger, nil)
}

// Serve runs until ctx ends. ready, when not nil, receives the listening address (tests use
// port 0).
// Listening says where a serving process listens: HTTP, and the inbound SMTP gateway ("" when off).
type Listening struct{ HTTP, Gateway string }

func Serve(ctx context.Context, cfg config.Config, logger *slog.Logger, ready func(Listening)) error {
	pool, err := store.Open(ctx, cfg.DatabaseURL, int32(cfg.WorkerCount+30))
	if err != nil {
		return fmt.Errorf("%w\n(check DATABASE_URL)", err)
	}
	defer pool.Close()
	if err := checkDatabase(ctx, pool, cfg, logger); err != nil {
		return err
	}
	failpoint.Arm(cfg.Failpoints)
	runWorkers := cfg.Role == config.RoleAll || cfg.Role == config.RoleWorker
	runWeb := cfg.Role == config.RoleAll || cfg.Role == config.RoleWeb
	parts, err := Wire(ctx, pool, cfg, logger, runWorkers)
	if err != nil {
		return err
	}
	river := parts.Jobs
	// Mail the old duplicate rules dropped, or left waiting without a job, goes through the
	// pipeline again: queued once per database, whichever process starts first.
	if queued, err := parts.Ingest.QueueRecoveryOnce(ctx); err != nil {
		return err
	} else if queued {
		logger.Info("queued the one-time recovery of inbound mail")
	}
	logger.Info("system mail", "via", parts.SysMail.Via(), "from", cfg.MailFrom.String())
	if runWorkers {
		if err := river.Start(ctx); err != nil {
			return fmt.Errorf("start background workers: %w", err)
		}
		logger.Info("background workers started", "max_workers", cfg.WorkerCount)
		go (&email.Watcher{Accounts: parts.Email, Jobs: river, Every: cfg.MailPoll, Logger: logger}).Run(ctx)
	}

	var gw interface{ Close() error }
	gatewayAddr := ""
	if runWeb && cfg.SMTPAddr != "" {
		g := (&email.Gateway{Accounts: parts.Email, Ingest: parts.Ingest, Tenants: parts.Tenants, Domain: cfg.InboundDomain,
			MaxBytes: cfg.InboundMaxBytes, Logger: logger}).Server(cfg.SMTPAddr)
		ln, err := net.Listen("tcp", cfg.SMTPAddr)
		if err != nil {
			return fmt.Errorf("listen on SHOPDESK_SMTP_ADDR=%s: %w", cfg.SMTPAddr, err)
		}
		logger.Info("inbound SMTP gateway listening", "addr", ln.Addr().String(), "domain", cfg.InboundDomain)
		go func() {
			if err := g.Serve(ln); err != nil {
				logger.Warn("inbound SMTP gateway stopped", "error", err)
			}
		}()
		gw = g
		gatewayAddr = ln.Addr().String()
	}

	var srv *http.Server
	srvErr := make(chan error, 1)
	if runWeb {
		handler := parts.Handler
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on SHOPDESK_ADDR=%s: %w", cfg.Addr, err)
		}
		srv = &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			IdleTimeout:       120 * time.Second,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		}
		logger.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL.String(), "role", cfg.Role)
		if parts.MailSink != nil {
			logger.Info("system mail goes to the development mail sink", "page", cfg.BaseURL.String()+"/dev/mail")
		}
		if ready != nil {
			ready(Listening{HTTP: ln.Addr().String(), Gateway: gatewayAddr})
		}
		go func() { srvErr <- srv.Serve(ln) }()
	}
	select {
	case <-ctx.Done():
	case err := <-srvErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
	}
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout+5*time.Second)
	defer cancel()
	if gw != nil {
		_ = gw.Close()
	}
	if srv != nil {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			logger.Warn("http shutdown", "error", err)
		}
	}
	if runWorkers {
		// River soft-stops on its own once ctx ends: no new jobs, running ones get SoftStopTimeout.
		select {
		case <-river.Stopped():
		case <-shutdownCtx.Done():
			logger.Warn("background workers did not stop in time")
		}
	}
	logger.Info("stopped")
	return nil
}

// checkDatabase refuses to serve on a connection that would make row-level security meaningless,
// or on a schema this binary does not match.
func checkDatabase(ctx context.Context, pool *pgxpool.Pool, cfg config.Config, logger *slog.Logger) error {
	p, err := store.CheckPrivileges(ctx, pool)
	if err != nil {
		return err
	}
	if p.Superuser || p.BypassRLS {
		what := "a superuser"
		if !p.Superuser {
			what = "a role with BYPASSRLS"
		}
		return fmt.Errorf("DATABASE_URL connects as %q, %s, which bypasses row-level security; "+
			"connect as the application role instead (shopdesk migrate creates %q; set DATABASE_URL to a URL with user %s and MIGRATE_DATABASE_URL to the owner)",
			p.Role, what, cfg.AppRole, cfg.AppRole)
	}
	if p.OwnsTables {
		logger.Warn("DATABASE_URL connects as the owner of the tables; row-level security is forced, but an owner could turn it off: prefer the application role", "role", p.Role)
	}
	st, err := migrate.Version(ctx, pool)
	if err != nil {
		return err
	}
	if !st.Current() || st.RiverVersion == 0 {
		return fmt.Errorf("database schema is at version %d (dirty: %t) but this binary needs %d: run `shopdesk migrate up` first", st.Version, st.Dirty, st.Latest)
	}
	return nil
}
