package conversation_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/migrate"
	"github.com/shopdesk/shopdesk/internal/pgtest"
)

// Migration 000014 repairs what the old merge did to existing workspaces: addresses and
// identities moved to the target's customer go back, customer messages without an author get the
// customer of the ticket they were written on, and a customer's answer credited to the target's
// customer is credited to its sender again. Then undo of such a merge still works.
func TestMigrationRepairsOldMerges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newMergeWorld(t)
	owner, err := pgxpool.New(ctx, w.db.OwnerURL)
	require.NoError(t, err)
	t.Cleanup(owner.Close)
	// Back to the schema before 000014, whatever came after it.
	migrateDownBelow(t, owner, 14)

	// What the old code left behind after merging Sofia's ticket into Mike's and her next answer.
	mike, sofia := w.mike.CustomerID, w.sofia.CustomerID
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := owner.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	var sofiaMsg int64
	require.NoError(t, owner.QueryRow(ctx, `SELECT id FROM messages WHERE tenant_id = $1 AND ticket_id = $2`, w.a.TenantID(), w.sofia.ID).Scan(&sofiaMsg))
	exec(`UPDATE customer_emails SET customer_id = $2 WHERE tenant_id = $1 AND customer_id = $3`, w.a.TenantID(), mike, sofia)
	exec(`UPDATE customer_identities SET customer_id = $2 WHERE tenant_id = $1 AND customer_id = $3`, w.a.TenantID(), mike, sofia)
	exec(`UPDATE messages SET ticket_id = $2, author_customer_id = NULL WHERE tenant_id = $1 AND id = $3`, w.a.TenantID(), w.mike.ID, sofiaMsg)
	exec(`UPDATE tickets SET merged_into = $2, status = 'closed' WHERE tenant_id = $1 AND id = $3`, w.a.TenantID(), w.mike.ID, w.sofia.ID)
	exec(`INSERT INTO ticket_merges (tenant_id, source_id, target_id, message_ids, source_before, target_before)
		VALUES ($1, $2, $3, ARRAY[$4::bigint], jsonb_build_object('status', 'open', 'priority', 2, 'tags', '[]'::jsonb, 'customer_id', $5::uuid,
			'emails', jsonb_build_array('sofia@example.com'), 'identities', jsonb_build_array(jsonb_build_array('ebay', 'sofia_r'))),
			jsonb_build_object('status', 'open', 'customer_id', $6::uuid))`,
		w.a.TenantID(), w.sofia.ID, w.mike.ID, sofiaMsg, sofia, mike)
	var answer int64
	require.NoError(t, owner.QueryRow(ctx, `INSERT INTO messages (tenant_id, ticket_id, kind, author_customer_id, from_address, body_text)
		VALUES ($1, $2, 'inbound', $3, 'Sofia@Example.com', 'Any news?') RETURNING id`, w.a.TenantID(), w.mike.ID, mike).Scan(&answer))

	require.NoError(t, migrate.Up(ctx, owner, pgtest.AppRole, pgtest.AppPassword, nil))

	d, err := w.svc.Detail(ctx, w.a, w.mike.Number)
	require.NoError(t, err)
	require.Equal(t, []string{"mike@example.com"}, d.Emails)
	require.Empty(t, d.Identities)
	require.Equal(t, map[string]string{"My parcel is late": "Mike Chen", "The shoes are too small": "Sofia Rossi", "Any news?": "Sofia Rossi"},
		authorsOf(t, w.world, w.mike.Number))
	s, err := w.svc.Customer(ctx, w.a, sofia)
	require.NoError(t, err)
	require.Equal(t, []string{"sofia@example.com"}, s.Emails)
	require.Len(t, s.Identities, 1)

	// The old merge still undoes: her message returns, her answer (written after) stays.
	var mergeID int64
	require.NoError(t, owner.QueryRow(ctx, `SELECT id FROM ticket_merges WHERE tenant_id = $1`, w.a.TenantID()).Scan(&mergeID))
	require.NoError(t, w.svc.UndoMerge(ctx, w.a, mergeID))
	require.Equal(t, map[string]string{"The shoes are too small": "Sofia Rossi"}, authorsOf(t, w.world, w.sofia.Number))
	s, err = w.svc.Customer(ctx, w.a, sofia)
	require.NoError(t, err)
	require.Equal(t, []string{"sofia@example.com"}, s.Emails)
	_, err = w.svc.Merge(ctx, w.a, w.sofia.Number, w.mike.Number, conversation.MergeOptions{})
	require.Error(t, err, "asks again")
}
