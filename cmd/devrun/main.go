// Command devrun is `make run`: it brings Shopdesk up on a developer's machine with no other step.
// Without DATABASE_URL it starts a project-local PostgreSQL from the system's binaries (installing
// them with apt-get when it can), keeps its data in .local/ so the next run finds it again,
// migrates, seeds the demo workspace and serves.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/app"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/localpg"
	"github.com/shopdesk/shopdesk/internal/seed"
)

const localDir = ".local"

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "\nmake run: %v\n", err)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	env := map[string]string{}
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}

	var server *localpg.Server
	if os.Getenv("DATABASE_URL") == "" {
		var err error
		server, err = startLocalDatabase(ctx)
		if err != nil {
			return err
		}
		if server.Started {
			defer func() {
				step("stopping the local PostgreSQL")
				if err := server.Stop(false); err != nil {
					fmt.Fprintln(os.Stderr, err)
				}
			}()
		}
		env["MIGRATE_DATABASE_URL"] = server.URL("postgres", "shopdesk")
		env["DATABASE_URL"] = server.URL(cmp.Or(os.Getenv("SHOPDESK_APP_ROLE"), "shopdesk_app"), "shopdesk")
	} else {
		step("using DATABASE_URL from the environment")
	}
	if os.Getenv("SHOPDESK_SECRET_KEY") == "" {
		key, err := localSecret()
		if err != nil {
			return err
		}
		env["SHOPDESK_SECRET_KEY"] = key
	}

	// The inbound gateway listens locally, so `shopdesk dev send-mail FILE` reaches the demo.
	if os.Getenv("SHOPDESK_SMTP_ADDR") == "" {
		env["SHOPDESK_SMTP_ADDR"] = app.DevGatewayAddr
	}
	if os.Getenv("SHOPDESK_INBOUND_DOMAIN") == "" {
		env["SHOPDESK_INBOUND_DOMAIN"] = app.DevInboundDomain
	}

	step("migrating")
	if code := app.Main(ctx, []string{"migrate", "up"}, getenv, os.Stdout, os.Stderr); code != 0 {
		return errors.New("migration failed (see above)")
	}
	step("seeding the demo workspace")
	if code := app.Main(ctx, []string{"seed", "--demo"}, getenv, os.Stdout, os.Stderr); code != 0 {
		return errors.New("seeding failed (see above)")
	}

	cfg, err := config.Load(getenv, true, true)
	if err != nil {
		return err
	}
	logger := app.NewLogger(cfg, os.Stderr)
	app.TuneGC()
	return app.Serve(ctx, cfg, logger, func(l app.Listening) {
		addr := l.HTTP
		base := cfg.BaseURL.String()
		if getenv("SHOPDESK_BASE_URL") == "" {
			base = "http://" + addr // the real port when SHOPDESK_ADDR asked for any free one
		}
		fmt.Printf("\n  Shopdesk is running at %s\n\n  Demo logins (password %q):\n", base, seed.DemoPassword)
		for _, u := range seed.DemoUsers {
			lang := map[string]string{"ko": ", pages in Korean", "ro": ", pages in Romanian"}[u.Language]
			fmt.Printf("    %-20s %s%s\n", u.Email, u.Role, lang)
		}
		if l.Gateway != "" {
			fmt.Printf("\n  Inbound mail: the SMTP gateway listens on %s; mail to %s@%s lands in the demo inbox:\n    go run ./cmd/shopdesk dev send-mail --gateway %s docs/examples/customer-question.eml\n",
				l.Gateway, seed.DemoSlug, cfg.InboundDomain, l.Gateway)
		}
		if cfg.RelayURL == nil && cfg.Env != config.EnvProduction {
			fmt.Printf("\n  Mail (invitations, password resets, notices, and replies of workspaces without a mailbox) is not sent out: read it at %s/dev/mail\n", base)
		} else if cfg.RelayURL != nil {
			fmt.Printf("\n  System mail goes out through the relay %s://%s\n", cfg.RelayURL.Scheme, cfg.RelayURL.Host)
		}
		fmt.Printf("\n  Sign in at %s/login — Ctrl-C stops the server", base)
		if server != nil && server.Started {
			fmt.Print(" and the local database")
		}
		fmt.Print(".\n\n")
	})
}

// startLocalDatabase starts (or reuses) .local/postgres and makes sure the shopdesk database exists.
func startLocalDatabase(ctx context.Context) (*localpg.Server, error) {
	if _, err := localpg.FindBinaries(); errors.Is(err, localpg.ErrNoBinaries) {
		if err := installPostgres(ctx); err != nil {
			return nil, err
		}
	}
	dir, err := filepath.Abs(filepath.Join(localDir, "postgres"))
	if err != nil {
		return nil, err
	}
	step("starting the project-local PostgreSQL in %s", dir)
	s, err := localpg.Start(ctx, localpg.Options{Dir: dir, Port: 54329})
	if err != nil {
		return nil, err
	}
	if !s.Started {
		step("reusing the local PostgreSQL already running on port %d", s.Port)
	} else {
		step("local PostgreSQL listening on 127.0.0.1:%d", s.Port)
	}
	conn, err := pgx.Connect(ctx, s.URL("postgres", "postgres"))
	if err != nil {
		return nil, fmt.Errorf("connect to the local PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'shopdesk')").Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		step("creating database shopdesk")
		if _, err := conn.Exec(ctx, "CREATE DATABASE shopdesk"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// installPostgres installs Debian's postgresql package when we are root with apt-get; otherwise it
// says exactly what to run.
func installPostgres(ctx context.Context) error {
	_, aptErr := exec.LookPath("apt-get")
	if os.Geteuid() != 0 || aptErr != nil {
		return errors.New("PostgreSQL's server binaries (initdb, pg_ctl) are not installed.\n" +
			"  Install them with:  sudo apt-get install -y postgresql\n" +
			"  or point DATABASE_URL (and MIGRATE_DATABASE_URL) at an existing server, then run make run again.")
	}
	step("PostgreSQL is not installed: installing the postgresql package with apt-get (this takes a minute)")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
		}
	}
	return nil
}

// localSecret keeps one generated key in .local/secret.key, so sessions survive a restart.
func localSecret() (string, error) {
	path := filepath.Join(localDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	key := base64.StdEncoding.EncodeToString(raw)
	if err := os.MkdirAll(localDir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("store the local secret key: %w", err)
	}
	step("generated a secret key for local runs in %s", path)
	return key, nil
}
