package ingest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

// After Sofia's ticket is merged into Mike's, her answer to her old thread (References naming
// her first mail) lands on Mike's ticket, written by Sofia; Mike's answer lands there as Mike's.
func TestMailForAMergedAwayTicketLandsOnTheTarget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPipeline(t)
	_, mike := p.feed(t, "From: Mike Chen <mike@example.com>\r\nTo: shop@example.com\r\nSubject: Parcel not arrived\r\n"+
		"Message-ID: <mike-1@example.com>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nMy parcel is late.\r\n")
	_, sofia := p.feed(t, "From: Sofia Rossi <sofia@example.com>\r\nTo: shop@example.com\r\nSubject: Wrong size\r\n"+
		"Message-ID: <sofia-1@example.com>\r\nDate: Sun, 22 Nov 2026 10:05:00 +0000\r\n\r\nThe shoes are too small.\r\n")
	require.NotEqual(t, mike.TicketID, sofia.TicketID)
	number := func(id int64) int64 {
		t.Helper()
		d, err := p.conv.List(ctx, p.sc, conversation.Filter{View: "open", Priority: -1}, "", 10)
		require.NoError(t, err)
		for _, it := range d.Items {
			if it.ID == id {
				return it.Number
			}
		}
		t.Fatalf("ticket %d not open", id)
		return 0
	}
	mikeNo, sofiaNo := number(mike.TicketID), number(sofia.TicketID)
	_, err := p.conv.Merge(ctx, p.sc, sofiaNo, mikeNo, conversation.MergeOptions{Confirm: true})
	require.NoError(t, err)

	_, out := p.feed(t, "From: Sofia Rossi <sofia@example.com>\r\nTo: shop@example.com\r\nSubject: Re: Wrong size\r\n"+
		"Message-ID: <sofia-2@example.com>\r\nIn-Reply-To: <sofia-1@example.com>\r\nReferences: <sofia-1@example.com>\r\n"+
		"Date: Sun, 22 Nov 2026 11:00:00 +0000\r\n\r\nAny news on the size?\r\n")
	require.Equal(t, "processed", out.State)
	require.Equal(t, mike.TicketID, out.TicketID)
	_, out = p.feed(t, "From: Mike Chen <mike@example.com>\r\nTo: shop@example.com\r\nSubject: Re: Parcel not arrived\r\n"+
		"Message-ID: <mike-2@example.com>\r\nIn-Reply-To: <sofia-2@example.com>\r\n"+
		"Date: Sun, 22 Nov 2026 11:05:00 +0000\r\n\r\nAnd mine?\r\n")
	require.Equal(t, mike.TicketID, out.TicketID)

	d, err := p.conv.Detail(ctx, p.sc, mikeNo)
	require.NoError(t, err)
	authors := map[string]string{}
	for _, m := range d.Messages {
		authors[m.BodyText] = d.Authors[m.AuthorCustomerID.UUID]
	}
	require.Equal(t, map[string]string{"My parcel is late.": "Mike Chen", "The shoes are too small.": "Sofia Rossi",
		"Any news on the size?": "Sofia Rossi", "And mine?": "Mike Chen"}, authors)
}
