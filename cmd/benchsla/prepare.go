package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/localpg"
	"github.com/shopdesk/shopdesk/internal/migrate"
)

// database returns the owner URL of the benchmark database: BENCH_DATABASE_URL, or a project-local
// server in .local/benchsla that it starts and reuses.
func database(ctx context.Context) (string, func(), error) {
	stop := func() {}
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		return u, stop, nil
	}
	dir, _ := filepath.Abs(filepath.Join(".local", "benchsla"))
	fmt.Fprintf(os.Stderr, "benchsla: PostgreSQL in %s\n", dir)
	s, err := localpg.Start(ctx, localpg.Options{Dir: dir, Port: 54341})
	if err != nil {
		return "", stop, err
	}
	if s.Started {
		stop = func() { _ = s.Stop(false) }
	}
	c, err := pgx.Connect(ctx, s.URL("postgres", "postgres"))
	if err != nil {
		return "", stop, err
	}
	defer c.Close(ctx)
	var exists bool
	_ = c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'benchsla')").Scan(&exists)
	if !exists {
		if _, err := c.Exec(ctx, "CREATE DATABASE benchsla"); err != nil {
			return "", stop, err
		}
	}
	return s.URL("postgres", "benchsla"), stop, nil
}

// fill generates the open tickets of a workspace with a customer message each, the SLA
// target the workspace's presets give them (created between ago and ago+createdWithin before now), and the warning and breach jobs those targets
// scheduled — in bulk SQL, as the application would have left them.
func fill(ctx context.Context, owner *pgxpool.Pool, tenantID string, n int, ago, createdWithin time.Duration, state string) error {
	within, offset := createdWithin.String(), ago.String()
	steps := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO customers (tenant_id, id, name) SELECT $1, gen_random_uuid(), 'Buyer ' || g FROM generate_series(1, $2::int) g`, []any{tenantID, n}},
		{`INSERT INTO tickets (tenant_id, number, channel, subject, customer_id, status, priority, created_at, updated_at,
		    last_message_at, last_customer_at, message_count, snippet)
		 SELECT $1, c.n, (ARRAY['amazon', 'walmart', 'ebay'])[1 + (c.n % 3)], 'Where is my order ' || c.n, c.id, 'open', 2, t, t, t, t, 1, 'Where is my order?'
		 FROM (SELECT row_number() OVER () AS n, id, now() - $3::interval - random() * $2::interval AS t FROM customers WHERE tenant_id = $1) c`, []any{tenantID, within, offset}},
		{`INSERT INTO ticket_counters (tenant_id, last) VALUES ($1, $2::int)`, []any{tenantID, n}},
		{`INSERT INTO messages (tenant_id, ticket_id, kind, from_address, body_text, created_at)
		 SELECT tenant_id, id, 'inbound', 'buyer@example.test', 'Where is my order?', created_at FROM tickets WHERE tenant_id = $1`, []any{tenantID}},
		// Fresh statistics, or the planner takes the growing tables for empty ones.
		{`ANALYZE tickets, customers, messages`, nil},
		{`INSERT INTO ticket_slas (tenant_id, ticket_id, metric, policy_id, started_at, target_min, due_at, warn_at, state)
		 SELECT t.tenant_id, t.id, 'first_response', p.id, t.created_at, p.first_response,
		     t.created_at + p.first_response * interval '1 minute',
		     t.created_at + p.first_response * p.warn_percent / 100.0 * interval '1 minute', 'running'
		 FROM tickets t JOIN sla_policies p ON p.tenant_id = t.tenant_id AND p.preset = t.channel WHERE t.tenant_id = $1`, []any{tenantID}},
		{`ANALYZE ticket_slas`, nil},
		{`UPDATE tickets t SET sla_due_at = s.due_at, sla_state = 'ok', sla_policy_id = s.policy_id
		 FROM ticket_slas s WHERE s.tenant_id = t.tenant_id AND s.ticket_id = t.id AND t.tenant_id = $1 AND s.tenant_id = $1`, []any{tenantID}},
		{`INSERT INTO river_job (args, kind, max_attempts, metadata, priority, queue, scheduled_at, state)
		 SELECT jsonb_build_object('tenant_id', s.tenant_id, 'ticket_id', s.ticket_id, 'metric', s.metric, 'event', e.event,
		     'at', to_char((CASE e.event WHEN 'breach' THEN s.due_at ELSE s.warn_at END) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
		     'sla.timer', 25, jsonb_build_object('tenant_id', s.tenant_id), 1, 'sla',
		     CASE e.event WHEN 'breach' THEN s.due_at ELSE s.warn_at END, $2::river_job_state
		 FROM ticket_slas s CROSS JOIN (VALUES ('breach'), ('warning')) e(event)
		 WHERE s.tenant_id = $1 AND ($2 = 'scheduled' OR e.event = 'breach')`, []any{tenantID, state}},
	}
	tx, err := owner.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	for _, s := range steps {
		if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("%.60s…: %w", s.sql, err)
		}
	}
	return tx.Commit(ctx)
}

func migrateUp(ctx context.Context, owner *pgxpool.Pool) error {
	return migrate.Up(ctx, owner, "shopdesk_app", "bench", nil)
}
