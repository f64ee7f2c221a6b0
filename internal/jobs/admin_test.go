package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type sampleArgs struct{ N int }

func (sampleArgs) Kind() string { return "test.sample" }

func TestAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	type testBundle struct {
		admin  *jobs.Admin
		client *jobs.Client
		a, b   uuid.UUID
	}
	setup := func(t *testing.T) *testBundle {
		t.Helper()
		db := pgtest.NewDB(t)
		c, err := jobs.NewClient(db.App, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{}, jobs.Deps{})
		require.NoError(t, err)
		return &testBundle{admin: jobs.NewAdmin(c), client: c, a: uuid.New(), b: uuid.New()}
	}
	insert := func(t *testing.T, tb *testBundle, tenant uuid.UUID, n int, at time.Time) int64 {
		t.Helper()
		res, err := tb.client.Insert(ctx, sampleArgs{N: n}, &river.InsertOpts{Metadata: jobs.TenantMetadata(tenant), ScheduledAt: at})
		require.NoError(t, err)
		return res.Job.ID
	}

	t.Run("ListsOnlyTheWorkspacesJobsWithPaging", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		later := time.Now().Add(time.Hour)
		var mine []int64
		for i := range 5 {
			mine = append(mine, insert(t, tb, tb.a, i, later))
		}
		insert(t, tb, tb.b, 99, later)
		p1, err := tb.admin.List(ctx, tb.a, rivertype.JobStateScheduled, "", 3)
		require.NoError(t, err)
		require.Len(t, p1.Jobs, 3)
		require.NotEmpty(t, p1.Next)
		p2, err := tb.admin.List(ctx, tb.a, rivertype.JobStateScheduled, p1.Next, 3)
		require.NoError(t, err)
		require.Len(t, p2.Jobs, 2)
		var got []int64
		for _, j := range append(p1.Jobs, p2.Jobs...) {
			got = append(got, j.ID)
		}
		require.ElementsMatch(t, mine, got)
		counts, err := tb.admin.Counts(ctx, tb.a, 100)
		require.NoError(t, err)
		require.Equal(t, 5, counts[rivertype.JobStateScheduled])
	})

	t.Run("RetryAndCancelStayInTheWorkspace", func(t *testing.T) {
		t.Parallel()
		tb := setup(t)
		theirs := insert(t, tb, tb.b, 1, time.Now().Add(time.Hour))
		require.ErrorIs(t, tb.admin.Cancel(ctx, tb.a, theirs), store.ErrNotFound)
		require.ErrorIs(t, tb.admin.Retry(ctx, tb.a, theirs), store.ErrNotFound)
		require.ErrorIs(t, tb.admin.Cancel(ctx, tb.a, 987654), store.ErrNotFound)
		j, err := tb.client.JobGet(ctx, theirs)
		require.NoError(t, err)
		require.Equal(t, rivertype.JobStateScheduled, j.State)

		mine := insert(t, tb, tb.a, 2, time.Now().Add(time.Hour))
		require.NoError(t, tb.admin.Cancel(ctx, tb.a, mine))
		j, err = tb.client.JobGet(ctx, mine)
		require.NoError(t, err)
		require.Equal(t, rivertype.JobStateCancelled, j.State)
		require.NoError(t, tb.admin.Retry(ctx, tb.a, mine))
		j, err = tb.client.JobGet(ctx, mine)
		require.NoError(t, err)
		require.Equal(t, rivertype.JobStateAvailable, j.State)
	})
}

func TestCleanupWorkerRuns(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	db := pgtest.NewDB(t)
	_, err := db.App.Exec(ctx, "INSERT INTO sessions (token, data, expiry) VALUES ('old', '\\x00', now() - interval '1 day'), ('new', '\\x00', now() + interval '1 day')")
	require.NoError(t, err)
	svc := auth.New(db.Store, auth.DefaultThrottle, nil)
	c, err := jobs.NewClient(db.App, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{Work: true, MaxWorkers: 2, SoftStop: time.Second}, jobs.Deps{Auth: svc})
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	defer func() { require.NoError(t, c.Stop(context.Background())) }()
	require.Eventually(t, func() bool {
		var n int
		_ = db.App.QueryRow(ctx, "SELECT count(*) FROM sessions").Scan(&n)
		return n == 1
	}, 90*time.Second, 100*time.Millisecond, "the periodic cleanup ran on start and removed the expired session")
}
