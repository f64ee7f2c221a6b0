package ingest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkPipeline measures raw mail to committed ticket: Accept (raw stored, job inserted) and
// Process (parse, classify, dedupe, thread, create or append), as the mail.process job runs it,
// with 8 concurrent workers in one process. Every third message answers an earlier one.
//
//	go test -run '^$' -bench Pipeline -benchtime 3000x ./internal/ingest/
func BenchmarkPipeline(b *testing.B) {
	p := newPipeline(b)
	ctx := context.Background()
	var seq atomic.Int64
	mail := func(n int64) []byte {
		reply := ""
		if n%3 == 0 && n > 3 {
			reply = fmt.Sprintf("In-Reply-To: <bench-%d@example.net>\r\nReferences: <bench-%d@example.net>\r\n", n-2, n-2)
		}
		return fmt.Appendf(nil, "From: Buyer %d <buyer%d@example.net>\r\nTo: shop@example.com\r\nSubject: Order %d has not arrived\r\n"+
			"Message-ID: <bench-%d@example.net>\r\nDate: Mon, 30 Nov 2026 10:00:00 +0200\r\n%s"+
			"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Hello, my order %d was due last week and tracking has not moved. Can you check? Mulțumesc.\r\n"+
			"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello, my order <b>%d</b> was due last week.</p>\r\n--b--\r\n",
			n%500, n%500, n, n, reply, n, n)
	}
	b.SetParallelism(benchParallelism) // 4 × GOMAXPROCS goroutines: the database, not the loop, is the limit
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			id, dup, err := p.svc.Accept(ctx, p.sc.TenantID(), "bench", mail(n))
			if err != nil || dup {
				b.Errorf("accept %d: %v (duplicate %v)", n, err, dup)
				return
			}
			out, err := p.svc.Process(ctx, p.sc.TenantID(), id)
			if err != nil || out.State != "processed" {
				b.Errorf("process %d: %v (%+v)", n, err, out)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

var benchParallelism = 4
