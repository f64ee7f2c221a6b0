package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/seed"
	"github.com/shopdesk/shopdesk/internal/store"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("seed", stderr)
	demo := fs.Bool("demo", false, "create the demo workspace (slug demo) with its demo logins")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo {
		return errors.New("say what to seed: shopdesk seed --demo")
	}
	cfg, err := config.Load(envOr(getenv), true, false)
	if err != nil {
		return err
	}
	if cfg.Env == config.EnvProduction {
		return errors.New("refusing to seed demo data with SHOPDESK_ENV=production: the demo logins have a published password")
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return fmt.Errorf("%w\n(check DATABASE_URL)", err)
	}
	defer pool.Close()
	res, err := seed.Demo(ctx, store.New(pool))
	if err != nil {
		return err
	}
	switch {
	case res.WorkspaceCreated:
		fmt.Fprintf(stdout, "seed: created the demo workspace %q with %d logins and %d sample tickets\n", seed.DemoSlug, res.UsersCreated, res.TicketsCreated)
	case res.UsersCreated > 0 || res.TicketsCreated > 0:
		fmt.Fprintf(stdout, "seed: demo workspace existed; added %d missing logins and %d sample tickets\n", res.UsersCreated, res.TicketsCreated)
	default:
		fmt.Fprintln(stdout, "seed: demo workspace already complete; nothing to do")
	}
	return nil
}
