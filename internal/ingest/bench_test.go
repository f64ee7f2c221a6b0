package ingest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// BenchmarkPipeline measures raw mail to committed ticket the way a mailbox sync feeds the
// pipeline: raw messages stored 50 to a transaction (AcceptBatchTx, as the IMAP sync does), each
// batch then processed by ProcessBatch (parse, classify, dedupe, thread, create or append; the
// mail.process_batch job) on 4 concurrent workers in the same process. One workspace (the worst
// case); every third message answers one from the batch before.
//
//	go test -run '^$' -bench Pipeline -benchtime 3000x -count 5 ./internal/ingest/
func BenchmarkPipeline(b *testing.B) {
	p := newPipeline(b)
	ctx := context.Background()
	mail := func(n int) []byte {
		reply := ""
		if n%3 == 0 && n > 3 {
			reply = fmt.Sprintf("In-Reply-To: <bench-%d@example.net>\r\nReferences: <bench-%d@example.net>\r\n", max(n-60, 1), max(n-60, 1))
		}
		return fmt.Appendf(nil, "From: Buyer %d <buyer%d@example.net>\r\nTo: shop@example.com\r\nSubject: Order %d has not arrived\r\n"+
			"Message-ID: <bench-%d@example.net>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0200\r\n%s"+
			"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Hello, my order %d was due last week and tracking has not moved. Can you check? Mulțumesc.\r\n"+
			"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello, my order <b>%d</b> was due last week.</p>\r\n--b--\r\n",
			n%500, n%500, n, n, reply, n, n)
	}
	const batch, workers = 50, 4
	ids := make(chan []int64, 4)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for batch := range ids {
				if err := p.svc.ProcessBatch(ctx, p.sc.TenantID(), batch); err != nil {
					b.Errorf("process %v: %v", batch, err)
				}
			}
		})
	}
	var last int64
	for from := 0; from < b.N; from += batch {
		var raws [][]byte
		for n := from; n < min(from+batch, b.N); n++ {
			raws = append(raws, mail(n+1))
		}
		var got []int64
		err := p.svc.st.InTenantTx(ctx, p.sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
			n, err := p.svc.AcceptBatchTx(ctx, q, tx, p.sc.TenantID(), "bench", 0, raws)
			if err != nil || n != len(raws) {
				return fmt.Errorf("accept: %v (%d of %d new)", err, n, len(raws))
			}
			return tx.QueryRow(ctx, "SELECT array_agg(id ORDER BY id) FROM inbound_messages WHERE tenant_id = $1 AND state = 'pending' AND id > $2",
				p.sc.TenantID(), last).Scan(&got)
		})
		if err != nil {
			b.Fatal(err)
		}
		ids <- got
		last = got[len(got)-1]
	}
	close(ids)
	wg.Wait()
	var processed int
	if err := p.svc.st.InTenantTx(ctx, p.sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT count(*) FROM inbound_messages WHERE tenant_id = $1 AND state = 'processed'", p.sc.TenantID()).Scan(&processed)
	}); err != nil || processed != b.N {
		b.Fatalf("%d of %d processed (%v)", processed, b.N, err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
