package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/seed"
	"github.com/shopdesk/shopdesk/internal/store"
)

func TestDemoHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 15, 4, 0, 0, time.UTC)
	o := seed.HistoryOptions{Days: 5, PerDay: 6, Seed: 11, Now: now}

	setup := func(t *testing.T) (*store.Store, *pgxpool.Pool) {
		db := pgtest.NewDB(t)
		st := store.New(db.App)
		_, err := seed.DemoWith(ctx, st, nil)
		require.NoError(t, err)
		owner, err := pgxpool.New(ctx, db.OwnerURL)
		require.NoError(t, err)
		t.Cleanup(owner.Close)
		return st, owner
	}
	// What a person sees of the history: each ticket's subject, status, priority, assignee and
	// the state of its SLA targets.
	digest := func(t *testing.T, owner *pgxpool.Pool) []string {
		rows, err := owner.Query(ctx, `SELECT t.subject || '|' || t.status || '|' || t.priority || '|' || coalesce(u.email, '') || '|' ||
			coalesce((SELECT string_agg(s.metric || '=' || s.state, ',' ORDER BY s.metric) FROM ticket_slas s WHERE s.tenant_id = t.tenant_id AND s.ticket_id = t.id), '')
			FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id ORDER BY t.number`)
		require.NoError(t, err)
		var out []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		require.NoError(t, rows.Err())
		return out
	}
	count := func(t *testing.T, owner *pgxpool.Pool, sql string) int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, sql).Scan(&n))
		return n
	}

	st, owner := setup(t)
	start := time.Now()
	made, err := seed.DemoHistory(ctx, st, nil, o)
	t.Logf("%d history tickets in %s", made, time.Since(start))
	require.NoError(t, err)
	require.Greater(t, made, 15)
	require.Equal(t, made+10, count(t, owner, "SELECT count(*) FROM tickets"))
	require.NotZero(t, count(t, owner, "SELECT count(*) FROM tickets WHERE status = 'resolved'"), "most of the history is answered and resolved")
	require.NotZero(t, count(t, owner, "SELECT count(*) FROM tickets WHERE status = 'open'"), "the last hours are still open")
	require.NotZero(t, count(t, owner, "SELECT count(*) FROM sla_records WHERE outcome = 'breached'"), "some answers came late")
	require.NotZero(t, count(t, owner, "SELECT count(*) FROM sla_records WHERE outcome = 'met'"))
	require.True(t, count(t, owner, "SELECT count(DISTINCT channel) FROM tickets") > 2, "several channels")
	require.Equal(t, 3, count(t, owner, "SELECT count(DISTINCT language) FROM tickets"))
	require.Zero(t, count(t, owner, `SELECT count(*) FROM messages m WHERE m.created_at > '2026-11-20 15:04:00+00'
		AND m.ticket_id IN (SELECT ticket_id FROM messages WHERE channel_message_id LIKE 'demo-history-%')`), "nothing happens after the seed's now")
	require.NotZero(t, count(t, owner, "SELECT count(*) FROM ticket_events"), "events were recorded by the services")
	first := digest(t, owner)

	again, err := seed.DemoHistory(ctx, st, nil, o)
	require.NoError(t, err)
	require.Zero(t, again, "a second run finds every history ticket")

	t.Run("same seed, same demo", func(t *testing.T) {
		st3, owner3 := setup(t)
		_, err := seed.DemoHistory(ctx, st3, nil, o)
		require.NoError(t, err)
		require.Equal(t, first, digest(t, owner3))
	})
}
