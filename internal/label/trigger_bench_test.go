package label_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// BenchmarkTicketUpdate measures one ticket UPDATE in its own transaction, as a property control
// makes it, with the catalogue's statement trigger on updates (labels_update, migration 000018)
// as shipped and with it disabled, in alternating blocks of 50 so that the machine's drift falls
// on both alike: the difference of the two metrics is what the catalogue costs an update. A
// priority change writes no catalogued column; a tag change writes one, with names the catalogue
// already holds (the usual case).
//
//	go test -run '^$' -bench TicketUpdate -benchtime 40x -count 3 ./internal/label/
func BenchmarkTicketUpdate(b *testing.B) {
	ctx := context.Background()
	tb := setup(b)
	n := tb.ticket(b, tb.a, "Shipping", "late", "vip")
	tk, err := tb.conv.Ticket(ctx, tb.a, n)
	require.NoError(b, err)
	owner := tb.db.Owner(b)
	tid := tb.a.TenantID()
	update := func(i int, tags bool) error {
		return tb.db.Store.InTenantTx(ctx, tid, func(q *dbsqlc.Queries, _ pgx.Tx) error {
			if tags {
				names := []string{"late"}
				if i%2 == 0 {
					names = []string{"late", "vip"}
				}
				return q.TicketSetTags(ctx, dbsqlc.TicketSetTagsParams{TenantID: tid, ID: tk.ID, Tags: names})
			}
			return q.TicketSetPriority(ctx, dbsqlc.TicketSetPriorityParams{TenantID: tid, ID: tk.ID, Priority: int16(1 + i%2)})
		})
	}
	const block = 50
	for _, what := range []string{"priority", "tags"} {
		b.Run(what, func(b *testing.B) {
			// One loop iteration is a block with the trigger and a block without.
			var took [2]time.Duration
			for b.Loop() {
				for k, trigger := range []string{"ENABLE", "DISABLE"} {
					b.StopTimer()
					_, err := owner.Exec(ctx, "ALTER TABLE tickets "+trigger+" TRIGGER labels_update")
					require.NoError(b, err)
					require.NoError(b, update(0, what == "tags")) // the plan cache after the ALTER
					b.StartTimer()
					start := time.Now()
					for i := range block {
						if err := update(i, what == "tags"); err != nil {
							b.Fatal(err)
						}
					}
					took[k] += time.Since(start)
				}
			}
			_, err := owner.Exec(ctx, "ALTER TABLE tickets ENABLE TRIGGER labels_update")
			require.NoError(b, err)
			updates := float64(b.N * block)
			b.ReportMetric(float64(took[0].Microseconds())/updates, "µs/update-catalogue")
			b.ReportMetric(float64(took[1].Microseconds())/updates, "µs/update-without")
			b.ReportMetric(float64((took[0]-took[1]).Microseconds())/updates, "µs/update-trigger")
		})
	}
}
