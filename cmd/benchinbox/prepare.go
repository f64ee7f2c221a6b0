package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/localpg"
	"github.com/shopdesk/shopdesk/internal/migrate"
	"github.com/shopdesk/shopdesk/internal/seed"
)

// prepare returns owner and application URLs of a database holding the scale data set: the one
// in BENCH_DATABASE_URL (a superuser URL), or a project-local server in .local/bench that it
// starts, migrates and fills on first use and reuses afterwards.
func prepare(ctx context.Context, o seed.ScaleOptions) (ownerURL, appURL string, stop func(), err error) {
	stop = func() {}
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		ownerURL = u
	} else {
		dir, _ := filepath.Abs(filepath.Join(".local", "bench"))
		fmt.Fprintf(os.Stderr, "bench: PostgreSQL in %s\n", dir)
		s, err := localpg.Start(ctx, localpg.Options{Dir: dir, Port: 54339})
		if err != nil {
			return "", "", stop, err
		}
		if s.Started {
			stop = func() { _ = s.Stop(false) }
		}
		ownerURL = s.URL("postgres", "postgres")
		c, err := pgx.Connect(ctx, ownerURL)
		if err != nil {
			return "", "", stop, err
		}
		var exists bool
		_ = c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'bench')").Scan(&exists)
		if !exists {
			if _, err := c.Exec(ctx, "CREATE DATABASE bench"); err != nil {
				c.Close(ctx)
				return "", "", stop, err
			}
		}
		c.Close(ctx)
		ownerURL = s.URL("postgres", "bench")
	}
	pool, err := pgxpool.New(ctx, ownerURL)
	if err != nil {
		return "", "", stop, err
	}
	defer pool.Close()
	if err := migrate.Up(ctx, pool, "shopdesk_app", "bench", nil); err != nil {
		return "", "", stop, err
	}
	var have bool
	if err := pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM tenants WHERE slug = $1)", seed.ScaleBigSlug).Scan(&have); err != nil {
		return "", "", stop, err
	}
	if !have {
		o.Progress, o.Terminal = os.Stderr, isTerminal(os.Stderr)
		fmt.Fprintf(os.Stderr, "bench: generating the data set (%d tickets, %d messages); this takes a while once\n", o.Tickets, o.Messages)
		res, err := seed.Scale(ctx, pool, o)
		if err != nil {
			return "", "", stop, err
		}
		fmt.Fprintf(os.Stderr, "bench: generated in %s\n", res.Elapsed.Round(1e9))
	}
	appURL = withUser(ownerURL, "shopdesk_app", "bench")
	return ownerURL, appURL, stop, nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
