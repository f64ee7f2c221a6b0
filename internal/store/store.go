// Package store owns the connection pool and the transaction helpers that pin a workspace for
// row-level security. Domain packages run their sqlc queries (package dbsqlc) inside these.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// ErrNotFound is returned by domain packages for a row that does not exist or is not visible to
// the pinned workspace; the two are deliberately indistinguishable.
var ErrNotFound = errors.New("not found")

// Store is the application's database handle.
type Store struct {
	Pool *pgxpool.Pool
}

// Open connects a pool tuned for a web process plus River workers.
func Open(ctx context.Context, dsn string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: parse database URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.MaxConnLifetime = time.Hour
	cfg.MaxConnLifetimeJitter = 5 * time.Minute
	cfg.MaxConnIdleTime = 30 * time.Minute
	cfg.HealthCheckPeriod = time.Minute
	cfg.AfterConnect = registerUUID
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "shopdesk"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return pool, nil
}

// New wraps a pool.
func New(pool *pgxpool.Pool) *Store { return &Store{Pool: pool} }

// TxFunc works inside one transaction: q runs sqlc queries on it and tx is there for River's InsertTx.
type TxFunc func(q *dbsqlc.Queries, tx pgx.Tx) error

// InTenantTx runs fn in a transaction pinned to one workspace. The setting is transaction-local,
// so a pooled connection never carries a workspace over to its next borrower.
func (s *Store) InTenantTx(ctx context.Context, tenantID uuid.UUID, fn TxFunc) error {
	return s.inTx(ctx, map[string]string{"app.tenant_id": tenantID.String()}, fn)
}

// InUserTx pins the signed-in person, which lets them read their own memberships in every
// workspace (the switcher) and nothing else of other workspaces.
func (s *Store) InUserTx(ctx context.Context, userID uuid.UUID, fn TxFunc) error {
	return s.inTx(ctx, map[string]string{"app.user_id": userID.String()}, fn)
}

// InTx runs fn with nothing pinned: global tables only (people, workspaces registry, sessions).
// Tenant tables return no rows here.
func (s *Store) InTx(ctx context.Context, fn TxFunc) error {
	return s.inTx(ctx, nil, fn)
}

func (s *Store) inTx(ctx context.Context, settings map[string]string, fn TxFunc) error {
	// The pin travels with BEGIN, in the same round trip. The values are ids as formatted by the
	// uuid package, checked again here because they are written into the statement.
	begin := "BEGIN"
	for k, v := range settings {
		if _, err := uuid.Parse(v); err != nil || (k != "app.tenant_id" && k != "app.user_id") {
			return fmt.Errorf("store: refusing to pin %s=%q", k, v)
		}
		begin += "; SELECT set_config('" + k + "', '" + v + "', true)"
	}
	err := pgx.BeginTxFunc(ctx, s.Pool, pgx.TxOptions{BeginQuery: begin}, func(tx pgx.Tx) error {
		return fn(dbsqlc.New(tx), tx)
	})
	return referenceProblem(err)
}

// NotFound maps pgx's no-rows error to ErrNotFound and leaves others alone.
func NotFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// UniqueViolation reports whether err is a unique-constraint violation, and of which constraint.
func UniqueViolation(err error) (string, bool) {
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "23505" {
		return pgErr.ConstraintName, true
	}
	return "", false
}

// Privileges describes the connected role, for serve's refusal to run with RLS bypassed.
type Privileges struct {
	Role       string
	Superuser  bool
	BypassRLS  bool
	OwnsTables bool
}

// CheckPrivileges reads what the pool's role may do.
func CheckPrivileges(ctx context.Context, pool *pgxpool.Pool) (Privileges, error) {
	var p Privileges
	err := pool.QueryRow(ctx, `
		SELECT r.rolname, r.rolsuper, r.rolbypassrls,
		       EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = r.rolname)
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&p.Role, &p.Superuser, &p.BypassRLS, &p.OwnsTables)
	if err != nil {
		return p, fmt.Errorf("store: read role privileges: %w", err)
	}
	return p, nil
}

// Pin pins a workspace inside a transaction that began unpinned (sign-up creates the workspace
// first, then its first rows).
func Pin(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID) error {
	if _, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenantID.String()); err != nil {
		return fmt.Errorf("store: pin tenant: %w", err)
	}
	return nil
}
