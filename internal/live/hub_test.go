package live_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/live"
	"github.com/shopdesk/shopdesk/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Two hubs on one database stand for two shopdesk processes: a change or presence announced
// through one reaches the other's subscribers, and only those of the same workspace.
func TestChangesAndPresenceCrossProcesses(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	one, two := live.New(db.App, logger), live.New(db.App, logger)
	go one.Run(ctx)
	go two.Run(ctx)
	tenantA, tenantB := uuid.New(), uuid.New()
	alice, bob := uuid.New(), uuid.New()
	subA, doneA := two.Subscribe(tenantA, bob, 7)
	defer doneA()
	subB, doneB := two.Subscribe(tenantB, bob, 0)
	defer doneB()

	// The listeners need a moment to LISTEN; announce until the first notice arrives.
	require.Eventually(t, func() bool {
		require.NoError(t, one.Announce(ctx, conversation.Change{TenantID: tenantA, TicketID: 7, Kind: "presence", UserID: alice, Detail: live.Viewing}))
		select {
		case c := <-subA.C:
			return c.Kind == "presence"
		case <-time.After(200 * time.Millisecond):
			return false
		}
	}, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, []live.Seen{{UserID: alice, State: live.Viewing}}, two.Present(tenantA, 7, bob))
	require.Empty(t, two.Present(tenantA, 7, alice), "nobody sees themselves")

	require.NoError(t, one.Announce(ctx, conversation.Change{TenantID: tenantA, TicketID: 7, Kind: "presence", UserID: alice, Detail: live.Left}))
	require.Eventually(t, func() bool { return len(two.Present(tenantA, 7, bob)) == 0 }, 5*time.Second, 10*time.Millisecond)

	select {
	case c := <-subB.C:
		t.Fatalf("workspace B heard workspace A's change: %+v", c)
	default:
	}
}
