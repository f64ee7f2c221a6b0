package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/seed"
	"github.com/shopdesk/shopdesk/internal/store"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("seed", stderr)
	demo := fs.Bool("demo", false, "create the demo workspace (slug demo) with its demo logins")
	scale := fs.Bool("scale", false, "generate the large benchmark data set (runs as the owner, MIGRATE_DATABASE_URL)")
	so := seed.DefaultScale
	fs.IntVar(&so.Workspaces, "workspaces", so.Workspaces, "with --scale: number of workspaces")
	fs.IntVar(&so.Tickets, "tickets", so.Tickets, "with --scale: number of tickets in all")
	fs.IntVar(&so.Messages, "messages", so.Messages, "with --scale: number of messages in all")
	fs.IntVar(&so.BigTickets, "big-tickets", so.BigTickets, "with --scale: tickets of the one big workspace (scale-big)")
	fs.Uint64Var(&so.Seed, "seed", so.Seed, "with --scale: random seed (same seed, same data)")
	ho := seed.DefaultHistory
	fs.IntVar(&ho.Days, "history-days", ho.Days, "with --demo: days of history behind the sample tickets (0: none)")
	fs.Uint64Var(&ho.Seed, "history-seed", ho.Seed, "with --demo: random seed of the history (same seed, same demo)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *demo == *scale {
		return errors.New("say what to seed: shopdesk seed --demo, or shopdesk seed --scale")
	}
	cfg, err := config.Load(envOr(getenv), true, false)
	if err != nil {
		return err
	}
	if cfg.Env == config.EnvProduction {
		return errors.New("refusing to seed demo data with SHOPDESK_ENV=production: the demo logins have a published password")
	}
	if *scale {
		return runScale(ctx, cfg, so, stdout, stderr)
	}
	pool, err := store.Open(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return fmt.Errorf("%w\n(check DATABASE_URL)", err)
	}
	defer pool.Close()
	// Insert-only: the sample tickets' SLA jobs wait in the database for the server's workers.
	inserter, err := jobs.NewClient(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{}, jobs.Deps{})
	if err != nil {
		return err
	}
	res, err := seed.DemoWith(ctx, store.New(pool), inserter)
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
	if ho.Days <= 0 {
		return nil
	}
	ho.Progress, ho.Terminal = stderr, isTerminal(stderr)
	made, err := seed.DemoHistory(ctx, store.New(pool), inserter, ho)
	if err != nil {
		return err
	}
	if made > 0 {
		fmt.Fprintf(stdout, "seed: added %d tickets of history over the last %d days\n", made, ho.Days)
	}
	return nil
}

// isTerminal says whether progress can be redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runScale(ctx context.Context, cfg config.Config, so seed.ScaleOptions, stdout, stderr io.Writer) error {
	pool, err := store.Open(ctx, cfg.MigrateDatabaseURL, 4)
	if err != nil {
		return fmt.Errorf("%w\n(check MIGRATE_DATABASE_URL)", err)
	}
	defer pool.Close()
	so.Progress, so.Terminal = stderr, isTerminal(stderr)
	fmt.Fprintf(stdout, "seed: generating %d workspaces, %d tickets (%d in %s), %d messages\n", so.Workspaces, so.Tickets, so.BigTickets, seed.ScaleBigSlug, so.Messages)
	res, err := seed.Scale(ctx, pool, so)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed: done in %s: %d workspaces, %d people, %d tickets, %d messages\n", res.Elapsed.Round(time.Second), res.Workspaces, res.Users, res.Tickets, res.Messages)
	fmt.Fprintf(stdout, "seed: sign in as agent001@%s.test / %s; tickets with 50 messages: %v\n", seed.ScaleBigSlug, seed.ScalePassword, res.FiftyMessageTickets)
	return nil
}
