// Package migrate brings a database to the current schema in one step: Shopdesk's own migrations
// (golang-migrate over the embedded files), then River's (rivermigrate), then the application role
// and exactly the grants it needs. It runs as the schema owner.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/shopdesk/shopdesk/migrations"
)

// Status is where the schema stands.
type Status struct {
	Version      uint // Shopdesk's migration version
	Dirty        bool
	Latest       uint // newest migration shipped in this binary
	RiverVersion int
}

// Current reports whether nothing is left to apply.
func (s Status) Current() bool { return !s.Dirty && s.Version == s.Latest }

// Progress receives one line per step, so the command shows what it is doing.
type Progress func(format string, args ...any)

func newMigrator(pool *pgxpool.Pool) (*migrate.Migrate, *sql.DB, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, nil, fmt.Errorf("migrate: open embedded migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	drv, err := migratepgx.WithInstance(db, &migratepgx.Config{})
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrate: driver: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", drv)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrate: %w", err)
	}
	return m, db, nil
}

// withMigrator closes the migrator after use: the pgx5 driver holds a pooled connection, and a pool
// with a connection still out never finishes closing.
func withMigrator(pool *pgxpool.Pool, fn func(m *migrate.Migrate) error) error {
	m, db, err := newMigrator(pool)
	if err != nil {
		return err
	}
	err = fn(m)
	srcErr, dbErr := m.Close()
	db.Close()
	return errors.Join(err, srcErr, dbErr)
}

// Up applies every pending migration of both sets and ensures the application role.
func Up(ctx context.Context, pool *pgxpool.Pool, appRole, appPassword string, progress Progress) error {
	progress = orDiscard(progress)
	before, _ := Version(ctx, pool)
	err := withMigrator(pool, func(m *migrate.Migrate) error {
		if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("migrate: up: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	after, err := Version(ctx, pool)
	if err != nil {
		return err
	}
	if after.Version != before.Version {
		progress("shopdesk schema: version %d → %d", before.Version, after.Version)
	} else {
		progress("shopdesk schema: version %d, up to date", after.Version)
	}
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("migrate: river: %w", err)
	}
	res, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("migrate: river up: %w", err)
	}
	if len(res.Versions) > 0 {
		progress("river schema: applied %d migration(s), now at version %d", len(res.Versions), res.Versions[len(res.Versions)-1].Version)
	} else {
		progress("river schema: up to date")
	}
	if err := EnsureAppRole(ctx, pool, appRole, appPassword); err != nil {
		return err
	}
	progress("application role %s: granted", appRole)
	return nil
}

// Down rolls back n of Shopdesk's migrations (River's schema is left alone).
func Down(pool *pgxpool.Pool, n int) error {
	return withMigrator(pool, func(m *migrate.Migrate) error {
		if err := m.Steps(-n); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("migrate: down %d: %w", n, err)
		}
		return nil
	})
}

// Force marks version v as applied and clean, after a failed migration was repaired by hand.
func Force(pool *pgxpool.Pool, v int) error {
	return withMigrator(pool, func(m *migrate.Migrate) error {
		if err := m.Force(v); err != nil {
			return fmt.Errorf("migrate: force %d: %w", v, err)
		}
		return nil
	})
}

// Latest is the newest migration version embedded in this binary.
func Latest() (uint, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil
		}
		v = next
	}
}

// Version reads both version tables directly, which the application role may also do (readyz).
func Version(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (Status, error) {
	var s Status
	latest, err := Latest()
	if err != nil {
		return s, fmt.Errorf("migrate: read embedded migrations: %w", err)
	}
	s.Latest = latest
	var v int64
	err = db.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &s.Dirty)
	switch {
	case err == nil:
		s.Version = uint(v)
	case errors.Is(err, pgx.ErrNoRows) || isUndefinedTable(err):
	default:
		return s, fmt.Errorf("migrate: read version: %w", err)
	}
	err = db.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM river_migration WHERE line = 'main'`).Scan(&s.RiverVersion)
	if err != nil && !isUndefinedTable(err) {
		return s, fmt.Errorf("migrate: read river version: %w", err)
	}
	return s, nil
}

func isUndefinedTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "SQLSTATE 42P01")
}

// EnsureAppRole creates the application role when it is missing (LOGIN, no superuser, no
// BYPASSRLS, with password when given) and grants it data access and nothing more: no ownership,
// no DDL, read-only on the version tables.
func EnsureAppRole(ctx context.Context, pool *pgxpool.Pool, role, password string) error {
	var owner string
	if err := pool.QueryRow(ctx, `SELECT current_user`).Scan(&owner); err != nil {
		return fmt.Errorf("migrate: current user: %w", err)
	}
	if owner == role {
		// Single-role setups (DATABASE_URL = MIGRATE_DATABASE_URL) have nothing to grant; serve
		// checks that this role cannot bypass row-level security.
		return nil
	}
	ident := pgx.Identifier{role}.Sanitize()
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return fmt.Errorf("migrate: look up role %s: %w", role, err)
	}
	stmts := []string{}
	if !exists {
		create := "CREATE ROLE " + ident + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
		if password != "" {
			create += " PASSWORD " + quoteLiteral(password)
		}
		stmts = append(stmts, create)
	}
	var dbname string
	if err := pool.QueryRow(ctx, `SELECT current_database()`).Scan(&dbname); err != nil {
		return fmt.Errorf("migrate: current database: %w", err)
	}
	stmts = append(stmts,
		"GRANT CONNECT ON DATABASE "+pgx.Identifier{dbname}.Sanitize()+" TO "+ident,
		"GRANT USAGE ON SCHEMA public TO "+ident,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "+ident,
		"REVOKE INSERT, UPDATE, DELETE ON schema_migrations, river_migration FROM "+ident,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "+ident,
		// The reviewed SECURITY DEFINER functions (see their migrations), and nothing else of them.
		"GRANT EXECUTE ON FUNCTION search_tickets(uuid, tsquery, integer, integer) TO "+ident,
		"GRANT EXECUTE ON FUNCTION email_accounts_to_sync() TO "+ident,
	)
	for _, s := range stmts {
		if _, err := pool.Exec(ctx, s); err != nil {
			return fmt.Errorf("migrate: grant application role %s: %w", role, err)
		}
	}
	return nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func orDiscard(p Progress) Progress {
	if p == nil {
		return func(string, ...any) {}
	}
	return p
}
