package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

func TestPipeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)

	t.Run("ResultsInOrderAndOneTransaction", func(t *testing.T) {
		t.Parallel()
		var one int
		var series []int
		var setting string
		var missing error
		require.NoError(t, db.Store.InTenantPipeline(ctx, uuid.New(), false, func(_ *dbsqlc.Queries, db dbsqlc.DBTX) error {
			if err := db.QueryRow(ctx, "SELECT $1::int", 1).Scan(&one); err != nil {
				return err
			}
			rows, err := db.Query(ctx, "SELECT generate_series(1, $1::int)", 3)
			if err != nil {
				return err
			}
			if series, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil {
				return err
			}
			if _, err := db.Exec(ctx, "SELECT set_config('application_name', 'pipelined', true)"); err != nil {
				return err
			}
			if err := db.QueryRow(ctx, "SELECT current_setting('application_name')").Scan(&setting); err != nil {
				return err
			}
			missing = db.QueryRow(ctx, "SELECT 1 WHERE false").Scan(new(int))
			return nil
		}))
		require.Equal(t, 1, one)
		require.Equal(t, []int{1, 2, 3}, series)
		require.Equal(t, "pipelined", setting, "later statements see an earlier transaction-local setting")
		require.ErrorIs(t, missing, pgx.ErrNoRows)
	})

	t.Run("InTenantPipelinePinsForTheBatchOnly", func(t *testing.T) {
		t.Parallel()
		id := uuid.New()
		var pinned, plans string
		require.NoError(t, db.Store.InTenantPipeline(ctx, id, true, func(_ *dbsqlc.Queries, db dbsqlc.DBTX) error {
			if err := db.QueryRow(ctx, "SELECT current_setting('app.tenant_id')").Scan(&pinned); err != nil {
				return err
			}
			return db.QueryRow(ctx, "SELECT current_setting('plan_cache_mode')").Scan(&plans)
		}))
		require.Equal(t, id.String(), pinned, "the statements run with the workspace pinned")
		require.Equal(t, "force_generic_plan", plans)
		// The pin was local to the batch's implicit transaction: no connection keeps it.
		for range 20 {
			var after string
			require.NoError(t, db.Store.Pool.QueryRow(ctx, "SELECT coalesce(current_setting('app.tenant_id', true), '') || current_setting('plan_cache_mode')").Scan(&after))
			require.Equal(t, "auto", after)
		}
		var user string
		require.NoError(t, db.Store.AsUserPipeline(ctx, id, func(_ *dbsqlc.Queries, db dbsqlc.DBTX) error {
			return db.QueryRow(ctx, "SELECT current_setting('app.user_id')").Scan(&user)
		}))
		require.Equal(t, id.String(), user)
	})

	t.Run("DependentStatementRefused", func(t *testing.T) {
		t.Parallel()
		err := db.Store.InTenantPipeline(ctx, uuid.New(), false, func(_ *dbsqlc.Queries, db dbsqlc.DBTX) error {
			var n int
			if err := db.QueryRow(ctx, "SELECT 41").Scan(&n); err != nil {
				return err
			}
			return db.QueryRow(ctx, "SELECT $1::int + 1", n).Scan(&n)
		})
		require.ErrorIs(t, err, store.ErrPipelineDependent)
	})

	t.Run("AStatementErrorIsReturned", func(t *testing.T) {
		t.Parallel()
		err := db.Store.InTenantPipeline(ctx, uuid.New(), false, func(_ *dbsqlc.Queries, db dbsqlc.DBTX) error {
			_, err := db.Exec(ctx, "SELECT 1/0")
			return err
		})
		require.ErrorContains(t, err, "division by zero")
	})
}
