package app

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/migrate"
	"github.com/shopdesk/shopdesk/internal/store"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(envOr(getenv), true, false)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return fmt.Errorf("say what to do: migrate up | down N | version | force N")
	}
	pool, err := store.Open(ctx, cfg.MigrateDatabaseURL, 4)
	if err != nil {
		return fmt.Errorf("%w\n(check MIGRATE_DATABASE_URL, or DATABASE_URL when it is unset)", err)
	}
	defer pool.Close()
	progress := func(format string, a ...any) { fmt.Fprintf(stdout, "migrate: "+format+"\n", a...) }
	number := func() (int, error) {
		if len(args) != 2 {
			return 0, fmt.Errorf("migrate %s needs a number, e.g. migrate %s 1", args[0], args[0])
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 {
			return 0, fmt.Errorf("migrate %s: %q is not a whole number", args[0], args[1])
		}
		return n, nil
	}
	switch args[0] {
	case "up":
		return migrate.Up(ctx, pool, cfg.AppRole, appPassword(cfg), progress)
	case "down":
		n, err := number()
		if err != nil {
			return err
		}
		if err := migrate.Down(pool, n); err != nil {
			return err
		}
	case "force":
		n, err := number()
		if err != nil {
			return err
		}
		if err := migrate.Force(pool, n); err != nil {
			return err
		}
	case "version":
	default:
		return fmt.Errorf("unknown migrate action %q: use up, down N, version or force N", args[0])
	}
	st, err := migrate.Version(ctx, pool)
	if err != nil {
		return err
	}
	dirty := ""
	if st.Dirty {
		dirty = " (dirty: a migration failed half-way; repair it, then `shopdesk migrate force N`)"
	}
	fmt.Fprintf(stdout, "shopdesk schema version %d of %d%s; river schema version %d\n", st.Version, st.Latest, dirty, st.RiverVersion)
	return nil
}

// appPassword takes the application role's password from DATABASE_URL when that URL connects as
// the application role, so `migrate` can create the role ready to log in.
func appPassword(cfg config.Config) string {
	if cfg.DatabaseURL == "" {
		return ""
	}
	pc, err := pgx.ParseConfig(cfg.DatabaseURL)
	if err != nil || pc.User != cfg.AppRole {
		return ""
	}
	return pc.Password
}
