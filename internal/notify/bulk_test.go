package notify_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/notify"
)

// TestBulkAssignmentGroups: assigning many tickets at once to one person is one notification for
// them, saying how many and who, leading to their tickets; a single assignment stays its own.
func TestBulkAssignmentGroups(t *testing.T) {
	t.Parallel()
	x := setup(t, "bulkgroup")
	ctx := context.Background()
	var numbers []int64
	for range 12 {
		numbers = append(numbers, x.ticket(t, "email").Number)
	}
	single := x.ticket(t, "email").Number
	require.NoError(t, x.app.Conversations.Bulk(ctx, x.a, numbers, conversation.BulkAction{Kind: conversation.BulkAssign, UserID: x.b.UserID}))

	items := x.list(t, x.b)
	require.Len(t, items, 1, "twelve assignments, one notification")
	it := items[0]
	require.Equal(t, "assigned", it.Kind)
	require.Equal(t, 12, it.Count)
	require.NotEmpty(t, it.Actor)
	require.Equal(t, "12 tickets assigned to you by "+it.Actor, notify.Text(i18n.NewPrinter("en", nil), it))
	require.Equal(t, "12 tichete ți-au fost atribuite de "+it.Actor, notify.Text(i18n.NewPrinter("ro", nil), it))
	require.Equal(t, "티켓 12개가 나에게 배정되었습니다 (배정: "+it.Actor+")", notify.Text(i18n.NewPrinter("ko", nil), it))
	require.Equal(t, "/w/bulkgroup/inbox?view=mine", notify.Href("bulkgroup", it))
	n, err := x.svc.Unread(ctx, x.b)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// Opening it reads it and leads to the person's tickets.
	number, err := x.svc.Open(ctx, x.b, it.ID)
	require.NoError(t, err)
	require.Zero(t, number)

	// A later bulk assignment is a new notification, not more of the read one; one ticket at a
	// time stays one notification per ticket.
	require.NoError(t, x.app.Conversations.Bulk(ctx, x.a, numbers[:2], conversation.BulkAction{Kind: conversation.BulkAssign, UserID: x.a.UserID}))
	require.NoError(t, x.app.Conversations.Bulk(ctx, x.a, numbers[:2], conversation.BulkAction{Kind: conversation.BulkAssign, UserID: x.b.UserID}))
	require.NoError(t, x.app.Conversations.Assign(ctx, x.a, single, x.b.UserID))
	items = x.list(t, x.b)
	require.Len(t, items, 3)
	require.Equal(t, 1, items[0].Count)
	require.Equal(t, single, items[0].TicketNumber)
	require.Equal(t, "/w/bulkgroup/t/"+strconv.FormatInt(single, 10), notify.Href("bulkgroup", items[0]))
	require.Equal(t, 2, items[1].Count)
	require.False(t, items[1].Read)
	require.True(t, items[2].Read)
}
