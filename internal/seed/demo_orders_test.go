package seed_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/seed"
)

// The demo's orders look like real ones: lines with SKUs, a shipment with a real carrier whose
// tracking link the page can build, an expected delivery, the account they came from.
func TestDemoOrders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	_, err := seed.Demo(ctx, db.Store)
	require.NoError(t, err)
	owner, err := pgxpool.New(ctx, db.OwnerURL)
	require.NoError(t, err)
	defer owner.Close()

	rows, err := owner.Query(ctx, `SELECT o.number, o.source_account, o.fetched_at IS NOT NULL, o.expected_delivery_to IS NOT NULL,
			(SELECT count(*) FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id AND l.sku <> ''),
			coalesce(s.carrier, ''), coalesce(s.tracking_number, '')
		FROM orders o LEFT JOIN order_shipments s ON s.tenant_id = o.tenant_id AND s.order_id = o.id
		ORDER BY o.number`)
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var number, account, carrier, tracking string
		var fetched, expected bool
		var lines int
		require.NoError(t, rows.Scan(&number, &account, &fetched, &expected, &lines, &carrier, &tracking))
		require.NotEmpty(t, account, number)
		require.True(t, fetched, number)
		require.True(t, expected, number)
		require.Positive(t, lines, number)
		require.NotEmpty(t, conversation.TrackingURL(carrier, tracking), "%s: %s %s has a tracking link", number, carrier, tracking)
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 7, n)
}
