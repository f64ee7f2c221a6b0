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

// TestSplitSLATargets: a message split out of a ticket starts a ticket of its own with the
// source's priority and the targets the policies give from that message's own time — not the
// source's deadline, which may long have passed.
func TestSplitSLATargets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	sc := app.Workspace(t, "splitsla", "admin@splitsla.test")
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

	// An Amazon thread (preset: 12 h on the calendar clock) left unanswered past its target.
	start := clock.Now().Truncate(time.Second).UTC()
	buyer := conversation.CustomerRef{Name: "Ana", Email: "ana@buyer.test", Channel: "amazon", ExternalID: "ana@marketplace.amazon.de"}
	src, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "amazon", Marketplace: "amazon.de", Subject: "Where is my parcel?",
		Customer: buyer, Message: conversation.Inbound{Text: "It has not arrived.", At: start}})
	require.NoError(t, err)
	require.NoError(t, app.Conversations.SetPriority(ctx, sc, src.Number, 1))
	clock.Advance(28 * time.Hour)
	thanks, err := app.Conversations.AppendInbound(ctx, sc, src.Number, conversation.Inbound{Text: "Thank you", At: clock.Now()})
	require.NoError(t, err)
	clock.Advance(10 * time.Minute)

	nt, err := app.Conversations.Split(ctx, sc, src.Number, thanks.ID)
	require.NoError(t, err)
	require.Equal(t, int16(1), nt.Priority, "the source's priority")
	state, d := due(nt.Number, sla.FirstResponse)
	require.Equal(t, "running", state)
	require.NotNil(t, d)
	require.Equal(t, thanks.CreatedAt.Add(12*time.Hour).UTC(), d.UTC(), "from the split message's own time")
	require.NotNil(t, nt.SlaDueAt)
	require.Equal(t, thanks.CreatedAt.Add(12*time.Hour).UTC(), nt.SlaDueAt.UTC())
	require.Equal(t, "ok", nt.SlaState)
}
