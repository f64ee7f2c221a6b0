package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/sla"
)

// TestJobsPageNamesJobs: the jobs page names jobs as a seller would ("SLA timer for #N") with a
// link to the ticket, opens on a tab that has jobs, and offers Retry only on failed jobs ("Run
// again" on cancelled ones); a retry posted for a job that has not failed is refused.
func TestJobsPageNamesJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "jobnames", "admin@jobnames.test")
	c := app.SignIn(t, "admin@jobnames.test")

	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Email: "buyer@jobnames.test"}, Message: conversation.Inbound{Text: "Hello"}})
	require.NoError(t, err)
	at := time.Now().Add(48 * time.Hour)
	res0, err := app.Jobs.Insert(ctx, sla.TimerArgs{TenantID: sc.TenantID(), TicketID: tk.ID, Metric: sla.FirstResponse, Event: "warning", At: at},
		&river.InsertOpts{Metadata: jobs.TenantMetadata(sc.TenantID()), ScheduledAt: at})
	require.NoError(t, err)
	job := strconv.FormatInt(res0.Job.ID, 10)

	// No state asked: the page opens on a tab with jobs, not an empty one.
	page := c.Get("/w/jobnames/settings/jobs")
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.NotContains(t, page.Body, `data-testid="empty-state"`)
	require.Regexp(t, `aria-current="page" data-testid="jobs-tab-(scheduled|available|running)"`, page.Body)

	page = c.Get("/w/jobnames/settings/jobs?state=scheduled")
	num := strconv.FormatInt(tk.Number, 10)
	require.Contains(t, page.Body, "SLA timer for #"+num)
	require.Contains(t, page.Body, `href="/w/jobnames/t/`+num+`"`)
	require.NotContains(t, page.Body, `data-testid="job-retry-`+job+`"`, "a scheduled job has nothing to retry")
	require.Contains(t, page.Body, `data-testid="job-cancel-`+job+`"`)

	// A retry forced by hand is refused with a message; the job stays scheduled.
	res := c.PostForm("/w/jobnames/settings/jobs/"+job+"/retry", url.Values{"state": {"scheduled"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Contains(t, c.Get(res.Header.Get("Location")).Body, "Only a failed or cancelled job can be run again.")
	j, err := app.Jobs.JobGet(ctx, res0.Job.ID)
	require.NoError(t, err)
	require.Equal(t, rivertype.JobStateScheduled, j.State)

	// Cancelled: offered as "Run again", not "Retry".
	res = c.PostForm("/w/jobnames/settings/jobs/"+job+"/cancel", url.Values{"state": {"scheduled"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	page = c.Get("/w/jobnames/settings/jobs?state=cancelled")
	require.Contains(t, page.Body, `data-testid="job-retry-`+job+`"`)
	require.Contains(t, page.Body, "Run again")
}

func TestFirstNonEmptyJobTab(t *testing.T) {
	t.Parallel()
	require.Equal(t, rivertype.JobStateRunning, jobs.FirstNonEmpty(nil))
	require.Equal(t, rivertype.JobStateScheduled, jobs.FirstNonEmpty(map[rivertype.JobState]int{rivertype.JobStateScheduled: 2, rivertype.JobStateCompleted: 9}))
	require.Equal(t, rivertype.JobStateDiscarded, jobs.FirstNonEmpty(map[rivertype.JobState]int{rivertype.JobStateDiscarded: 1}))
}
