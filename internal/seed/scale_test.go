package seed_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestScale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	owner, err := pgxpool.New(ctx, db.OwnerURL)
	require.NoError(t, err)
	defer owner.Close()
	o := seed.ScaleOptions{Workspaces: 6, Tickets: 2000, Messages: 9000, BigTickets: 900, Seed: 7}
	res, err := seed.Scale(ctx, owner, o)
	require.NoError(t, err)
	require.Equal(t, 2000, res.Tickets)
	require.Equal(t, 9000, res.Messages)
	require.NotEmpty(t, res.FiftyMessageTickets)

	count := func(sql string, args ...any) int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, sql, args...).Scan(&n))
		return n
	}
	require.Equal(t, 6, count("SELECT count(*) FROM tenants"))
	require.Equal(t, 2000, count("SELECT count(*) FROM tickets"))
	require.Equal(t, 9000, count("SELECT count(*) FROM messages"))
	require.Equal(t, 900, count("SELECT count(*) FROM tickets t JOIN tenants w ON w.id = t.tenant_id WHERE w.slug = 'scale-big'"))
	require.Zero(t, count(`SELECT count(*) FROM tickets t WHERE t.assignee_id IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM memberships m WHERE m.tenant_id = t.tenant_id AND m.user_id = t.assignee_id)`), "every assignee is a member of the ticket's workspace")
	require.Zero(t, count(`SELECT count(*) FROM (SELECT tenant_id, max(number) AS hi, count(*) AS n FROM tickets GROUP BY tenant_id) s
		JOIN ticket_counters c USING (tenant_id) WHERE s.hi <> s.n OR c.last <> s.n`), "numbers are 1..n and the counter matches")
	require.Zero(t, count(`SELECT count(*) FROM tickets t WHERE t.message_count <> (SELECT count(*) FROM messages m WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id)`))
	require.Equal(t, 50, count(`SELECT message_count FROM tickets t JOIN tenants w ON w.id = t.tenant_id WHERE w.slug = 'scale-big' AND t.number = $1`, res.FiftyMessageTickets[0]))
	require.Positive(t, count(`SELECT count(*) FROM messages m JOIN tenants w ON w.id = m.tenant_id
		WHERE w.slug = 'scale-big' AND m.search_tsv @@ (quote_literal(left(replace(w.id::text, '-', ''), 12) || '.rambursar') || ':*')::tsquery`),
		"Romanian text is searchable without diacritics, under its workspace's scope")

	// The app role with one workspace pinned sees only that workspace's tickets.
	var bigID string
	require.NoError(t, owner.QueryRow(ctx, "SELECT id::text FROM tenants WHERE slug = 'scale-big'").Scan(&bigID))
	require.NoError(t, pgx.BeginFunc(ctx, db.App, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", bigID)
		require.NoError(t, err)
		var n int
		require.NoError(t, tx.QueryRow(ctx, "SELECT count(*) FROM tickets").Scan(&n))
		require.Equal(t, 900, n)
		return nil
	}))

	_, err = seed.Scale(ctx, owner, o)
	require.ErrorContains(t, err, "fresh database")
}
