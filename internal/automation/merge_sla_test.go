package automation_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/sla"
)

// TestMergeSLATargets: after a merge the target's targets are recomputed from the combined
// thread — the oldest customer message still waiting sets the response clock (a merge never
// gives more time, and replies in either ticket count) — and the merged-away ticket
// runs no clock. Undo recomputes both from what each holds again.
func TestMergeSLATargets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	sc := app.Workspace(t, "mergesla", "admin@mergesla.test")
	owner, err := pgxpool.New(ctx, app.DB.OwnerURL)
	require.NoError(t, err)
	t.Cleanup(owner.Close)
	due := func(number int64, metric string) (state string, at *time.Time) {
		err := owner.QueryRow(ctx, `SELECT s.state, s.due_at FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 AND s.metric = $3`, sc.TenantID(), number, metric).Scan(&state, &at)
		if err != nil {
			return "none", nil
		}
		return state, at
	}
	running := func(number int64) int {
		var n int
		require.NoError(t, owner.QueryRow(ctx, `SELECT count(*) FROM ticket_slas s JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
			WHERE t.tenant_id = $1 AND t.number = $2 AND s.state = 'running'`, sc.TenantID(), number).Scan(&n))
		return n
	}

	// One Amazon buyer, two threads on one marketplace (Amazon preset: 12 h on the calendar clock).
	start := clock.Now().Truncate(time.Second).UTC()
	buyer := conversation.CustomerRef{Name: "Ana", Email: "ana@buyer.test", Channel: "amazon", ExternalID: "ana@marketplace.amazon.de"}
	older, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Marketplace: "amazon.de", Subject: "Where is my parcel?",
		Customer: buyer, Message: conversation.Inbound{Text: "It has not arrived.", At: start}})
	require.NoError(t, err)
	clock.Advance(2 * time.Hour)
	newer, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Marketplace: "amazon.de", Subject: "Parcel again",
		Customer: buyer, Message: conversation.Inbound{Text: "Still nothing.", At: start.Add(2 * time.Hour)}})
	require.NoError(t, err)
	_, d := due(newer.Number, sla.FirstResponse)
	require.Equal(t, start.Add(14*time.Hour), d.UTC())

	// The older thread into the newer: the newer's first response is now due when the older
	// message's was; the older ticket runs nothing.
	mergeID, err := app.Conversations.Merge(ctx, sc, older.Number, newer.Number, conversation.MergeOptions{})
	require.NoError(t, err)
	state, d := due(newer.Number, sla.FirstResponse)
	require.Equal(t, "running", state)
	require.Equal(t, start.Add(12*time.Hour), d.UTC())
	require.Zero(t, running(older.Number))
	tk, err := app.Conversations.Ticket(ctx, sc, newer.Number)
	require.NoError(t, err)
	require.Equal(t, start.Add(12*time.Hour), tk.SlaDueAt.UTC())

	// Undo: each ticket waits again on its own message.
	require.NoError(t, app.Conversations.UndoMerge(ctx, sc, mergeID))
	state, d = due(older.Number, sla.FirstResponse)
	require.Equal(t, "running", state)
	require.Equal(t, start.Add(12*time.Hour), d.UTC())
	state, d = due(newer.Number, sla.FirstResponse)
	require.Equal(t, "running", state)
	require.Equal(t, start.Add(14*time.Hour), d.UTC())
}
