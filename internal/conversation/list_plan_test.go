package conversation_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store"
)

// The status views read their own partial index in its order, in the one generic plan that
// serves every workspace (no sort, no other index), on the first page and after a cursor.
// Scans and sorts are made expensive so the tiny test table cannot hide a plan that would need
// them; this checks the plan's shape, not its speed.
func TestStatusViewsWalkTheirIndexInGenericPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	seedSpecs(t, w, w.a, rand.New(rand.NewPCG(5, 6)), 40)
	for view, index := range map[string]string{"pending": "tickets_pending_idx", "snoozed": "tickets_snoozed_idx",
		"resolved": "tickets_resolved_idx", "closed": "tickets_closed_idx"} {
		f := conversation.Filter{View: view, Priority: -1}
		p, err := w.svc.List(ctx, w.a, f, "", 2)
		require.NoError(t, err)
		require.NotEmpty(t, p.Next, "%s: the seed has more than one page", view)
		for _, after := range []string{"", p.Next} {
			sql, args, err := w.svc.ListSQL(w.a, f, after, 50)
			require.NoError(t, err)
			plan := genericPlan(t, w, sql, args)
			require.Contains(t, plan, "Index Scan using "+index, "%s (cursor %q):\n%s", view, after, plan)
			require.NotContains(t, plan, "Sort", "%s:\n%s", view, plan)
		}
	}
}

func genericPlan(t *testing.T, w *world, sql string, args []any) string {
	t.Helper()
	ctx := context.Background()
	var plan string
	require.NoError(t, pgx.BeginFunc(ctx, w.db.App, func(tx pgx.Tx) error {
		for _, set := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off",
			"SET LOCAL enable_sort = off", "SET LOCAL enable_incremental_sort = off"} {
			if _, err := tx.Exec(ctx, set); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", w.a.TenantID().String()); err != nil {
			return err
		}
		var err error
		plan, err = store.ExplainGeneric(ctx, tx, "COSTS OFF", sql, args)
		return err
	}))
	return plan
}
