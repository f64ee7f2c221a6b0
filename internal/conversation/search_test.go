package conversation_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/search"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// search_tickets walks at most candidates × 100 of the newest rows before it asks the text index
// (migration 000009). With one candidate the walk covers the newest 100 messages, so a small
// workspace exercises both ways in: a word only older messages hold goes through the index, a
// word the newest messages hold is found by the walk, and either way the newest match wins.
func TestSearchNewestFirstThenIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	old := open(t, w, w.a, "Parcel question", "The quokka mug arrived with a filler note", conversation.CustomerRef{Email: "old@example.com"})
	busy := open(t, w, w.a, "Long thread", "first filler message", conversation.CustomerRef{Email: "busy@example.com"})
	for range 110 {
		_, err := w.svc.AppendInbound(ctx, w.a, busy.Number, conversation.Inbound{Text: "another filler message"})
		require.NoError(t, err)
	}
	// The other workspace holds the same words; its rows must never count as candidates.
	open(t, w, w.b, "quokka filler", "quokka filler", conversation.CustomerRef{Email: "b@example.com"})

	search := func(typed string, candidates int) []int64 {
		t.Helper()
		q, ok := search.QueryIn(search.Scope(w.a.TenantID()), typed)
		require.True(t, ok)
		var ids []int64
		require.NoError(t, w.db.Store.InTenantTx(ctx, w.a.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
			rows, err := tx.Query(ctx, "SELECT ticket_id FROM search_tickets($1, $2::tsquery, $3, 10)", w.a.TenantID(), q, candidates)
			if err != nil {
				return err
			}
			ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			return err
		}))
		return ids
	}

	require.Equal(t, []int64{old.ID}, search("quokka", 1), "only an old message holds it: found through the index")
	require.Equal(t, []int64{busy.ID}, search("filler", 1), "the newest match is the candidate")
	require.ElementsMatch(t, []int64{busy.ID, old.ID}, search("filler", 1000), "a walk that covers everything finds every match")
	require.Equal(t, []int64{old.ID}, search("parcel", 1), "tickets are walked the same way")
	require.Equal(t, []int64{old.ID}, search("parcel", 2), "and asked through the index when the walk finds too few")
	require.Empty(t, search("wombat", 1))
}
