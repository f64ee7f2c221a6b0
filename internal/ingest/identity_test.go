package ingest

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func reusedMail(mid, text string, attachments ...string) string {
	h := "From: Carrier <track@carrier.example>\r\nTo: shop@example.com\r\nSubject: Tracking update\r\nMessage-ID: <" + mid + ">\r\nMIME-Version: 1.0\r\n"
	if len(attachments) == 0 {
		return h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
	}
	var b strings.Builder
	b.WriteString(h + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n")
	for _, a := range attachments {
		fmt.Fprintf(&b, "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"%s.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", strings.ReplaceAll(a, " ", "-"), base64.StdEncoding.EncodeToString([]byte(a)))
	}
	b.WriteString("--b1--\r\n")
	return b.String()
}

func TestReusedMessageIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("EveryOtherContentIsItsOwnMessageOnlyCopiesAreDuplicates", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		// The same id four times with other text: a third and a fourth time too.
		for i := range 4 {
			_, out := p.feed(t, reusedMail("n@carrier", fmt.Sprintf("Parcel update number %d", i)))
			require.Equal(t, "processed", out.State, "mail %d", i)
		}
		// The same text with other attachments, twice, then the same attachments in another order.
		_, out := p.feed(t, reusedMail("n@carrier", "Parcel update number 0", "label A"))
		require.Equal(t, "processed", out.State)
		_, out = p.feed(t, reusedMail("n@carrier", "Parcel update number 0", "label B"))
		require.Equal(t, "processed", out.State)
		_, out = p.feed(t, reusedMail("n@carrier", "Parcel update number 0", "label B", "label A"))
		require.Equal(t, "processed", out.State)
		_, out = p.feed(t, reusedMail("n@carrier", "Parcel update number 0", "label A", "label B"))
		require.Equal(t, "duplicate", out.State, "the same attachments in another order are the same content")
		// The same bytes under another file name are another attachment.
		_, out = p.feed(t, strings.Replace(reusedMail("n@carrier", "Parcel update number 0", "label A"), "label-A.pdf", "label-A-copy.pdf", 1))
		require.Equal(t, "processed", out.State, "the same file under another name is other content")
		// Copies of any of them (other trace headers, other line endings) are duplicates.
		for _, raw := range []string{
			"Received: by relay.example\r\n" + reusedMail("n@carrier", "Parcel update number 2"),
			"Received: by relay.example\r\n" + reusedMail("n@carrier", "Parcel update number 3  "),
			"Received: by relay.example\r\n" + reusedMail("n@carrier", "Parcel update number 0", "label B"),
		} {
			_, out := p.feed(t, raw)
			require.Equal(t, "duplicate", out.State)
		}
	})

	t.Run("ConcurrentPairsKeepBoth", func(t *testing.T) {
		t.Parallel()
		p := newPipeline(t)
		var ids []int64
		for pair := range 5 {
			for k := range 2 {
				id, _, err := p.svc.Accept(ctx, p.sc.TenantID(), "test", []byte(reusedMail(fmt.Sprintf("pair-%d@carrier", pair), fmt.Sprintf("Pair %d mail %d", pair, k))))
				require.NoError(t, err)
				ids = append(ids, id)
			}
		}
		// A copy of one of them processed at the same time as the pair.
		id, _, err := p.svc.Accept(ctx, p.sc.TenantID(), "test", []byte("Received: by relay\r\n"+reusedMail("pair-0@carrier", "Pair 0 mail 1")))
		require.NoError(t, err)
		copyID := id
		var wg sync.WaitGroup
		outs := make(map[int64]string)
		var mu sync.Mutex
		for _, id := range append(append([]int64{}, ids...), copyID) {
			wg.Go(func() {
				out, err := p.svc.Process(ctx, p.sc.TenantID(), id)
				require.NoError(t, err)
				mu.Lock()
				outs[id] = out.State
				mu.Unlock()
			})
		}
		wg.Wait()
		for _, id := range ids[:len(ids)-1] {
			if id != ids[1] {
				require.Equal(t, "processed", outs[id], "inbound %d", id)
			}
		}
		// Whichever of a mail and its copy came first is kept, the other is its duplicate.
		require.ElementsMatch(t, []string{"processed", "duplicate"}, []string{outs[ids[1]], outs[copyID]})
		require.Equal(t, "processed", outs[ids[len(ids)-1]])
	})
}
