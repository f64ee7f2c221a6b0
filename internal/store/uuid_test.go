package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/pgtest"
)

// google/uuid values go to and come from PostgreSQL as uuid, in binary and in text, with NULLs,
// and in arrays (store.uuidCodec).
func TestUUIDValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	id := uuid.New()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var got uuid.UUID
		var null, some uuid.NullUUID
		var text string
		require.NoError(t, db.Store.Pool.QueryRow(ctx, "SELECT $1::uuid, NULL::uuid, $2::uuid, $1::uuid::text", mode, id, uuid.NullUUID{UUID: id, Valid: true}).
			Scan(&got, &null, &some, &text))
		require.Equal(t, id, got)
		require.False(t, null.Valid)
		require.Equal(t, uuid.NullUUID{UUID: id, Valid: true}, some)
		require.Equal(t, id.String(), text)

		var isNull bool
		require.NoError(t, db.Store.Pool.QueryRow(ctx, "SELECT $1::uuid IS NULL", mode, uuid.NullUUID{}).Scan(&isNull))
		require.True(t, isNull)

		var ids []uuid.UUID
		require.NoError(t, db.Store.Pool.QueryRow(ctx, "SELECT $1::uuid[]", mode, []uuid.UUID{id, uuid.Nil}).Scan(&ids))
		require.Equal(t, []uuid.UUID{id, uuid.Nil}, ids)

		missing := id
		require.NoError(t, db.Store.Pool.QueryRow(ctx, "SELECT NULL::uuid", mode).Scan(&missing))
		require.Equal(t, uuid.Nil, missing, "NULL reads as uuid.Nil, as uuid.UUID's own Scan has it")
	}
}
