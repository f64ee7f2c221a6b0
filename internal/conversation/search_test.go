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
	// Seventeen words begin with "zebr": too many to spell out, so that prefix stays a prefix.
	zebras := "zebraa zebrab zebrac zebrad zebrae zebraf zebrag zebrah zebrai zebraj zebrak zebral zebram zebran zebrao zebrap zebraq"
	old := open(t, w, w.a, "Parcel question", "The quokka mug arrived with a filler note. "+zebras, conversation.CustomerRef{Email: "old@example.com"})
	busy := open(t, w, w.a, "Long thread", "first filler message", conversation.CustomerRef{Email: "busy@example.com"})
	for range 110 {
		_, err := w.svc.AppendInbound(ctx, w.a, busy.Number, conversation.Inbound{Text: "another filler message"})
		require.NoError(t, err)
	}
	// The other workspace holds the same words; its rows must never count as candidates.
	open(t, w, w.b, "quokka filler", "quokka filler", conversation.CustomerRef{Email: "b@example.com"})

	find := func(typed string, candidates int) []int64 {
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

	require.Equal(t, []int64{old.ID}, find("quokka", 1), "only an old message holds it: found through the index")
	require.Equal(t, []int64{busy.ID}, find("filler", 1), "the newest match is the candidate")
	require.ElementsMatch(t, []int64{busy.ID, old.ID}, find("filler", 1000), "a walk that covers everything finds every match")
	require.Equal(t, []int64{old.ID}, find("parcel", 1), "tickets are walked the same way")
	require.Equal(t, []int64{old.ID}, find("parcel", 2), "and asked through the index when the walk finds too few")
	require.Empty(t, find("wombat", 1))
	require.Equal(t, []int64{old.ID}, find("zebr", 1), "a prefix of many words is asked as a prefix")
	require.Equal(t, []int64{old.ID}, find("zebrak", 1), "and one of them as itself")

	// The lexicon lists each workspace's own words, from inserts and from changed search terms.
	lexicon := func() []string {
		var words []string
		require.NoError(t, w.db.Store.InTenantTx(ctx, w.a.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
			rows, err := tx.Query(ctx, "SELECT term FROM search_lexicon WHERE term LIKE '%quokka' OR term LIKE '%platypus' ORDER BY term")
			if err != nil {
				return err
			}
			words, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		}))
		return words
	}
	scope := search.Scope(w.a.TenantID())
	require.Equal(t, []string{scope + "quokka"}, lexicon())
	require.NoError(t, w.db.Store.InTenantTx(ctx, w.a.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE tickets SET search_tsv = search_vector(tenant_id, ARRAY['parcel', 'platypus']) WHERE tenant_id = $1 AND id = $2", w.a.TenantID(), old.ID)
		return err
	}))
	require.Equal(t, []string{scope + "platypus", scope + "quokka"}, lexicon())
	require.Equal(t, []int64{old.ID}, find("platypus", 2), "a word that arrived by an update is spelled out too")
}

// A result carries the message that matched, not the ticket's latest one, so the list can show
// the matched words in their sentence.
func TestSearchShowsTheMatchedMessage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	ro := open(t, w, w.a, "Problemă", "Aplicația nu pornește după actualizare.", conversation.CustomerRef{Email: "ion@example.ro", Name: "Ion Popescu"})
	ko := open(t, w, w.a, "배송 문의", "주문이 아직 도착하지 않았어요.", conversation.CustomerRef{Email: "kim@example.kr", Name: "김민수"})
	en := open(t, w, w.a, "Parcel question", "The quokka mug arrived chipped.", conversation.CustomerRef{Email: "sam@example.com", Name: "Sam Smith"})
	for _, n := range []int64{ro.Number, ko.Number, en.Number} {
		_, err := w.svc.AppendInbound(ctx, w.a, n, conversation.Inbound{Text: "Any news? Thank you."})
		require.NoError(t, err)
	}
	match := func(q string) (int64, string) {
		t.Helper()
		items, err := w.svc.Search(ctx, w.a, q, 10)
		require.NoError(t, err)
		require.Len(t, items, 1, q)
		require.Equal(t, "Any news? Thank you.", items[0].Snippet, "the latest message is another one")
		return items[0].Number, items[0].Match
	}
	n, text := match("quokka")
	require.Equal(t, en.Number, n)
	require.Equal(t, "The quokka mug arrived chipped.", text)
	n, text = match("aplicatie")
	require.Equal(t, ro.Number, n)
	require.Equal(t, "Aplicația nu pornește după actualizare.", text, "found through folded diacritics")
	n, text = match("주문")
	require.Equal(t, ko.Number, n)
	require.Equal(t, "주문이 아직 도착하지 않았어요.", text, "a Korean pair inside a word")

	// Only the ticket matched (its subject): no message to show.
	items, err := w.svc.Search(ctx, w.a, "parcel", 10)
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, en.Number, items[0].Number)
	require.Empty(t, items[0].Match)
}
