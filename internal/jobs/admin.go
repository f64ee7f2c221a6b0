package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// TenantMetadata is the metadata that ties a job to a workspace; insert tenant jobs with it.
func TenantMetadata(tenantID uuid.UUID) []byte { return conversation.TenantMetadata(tenantID) }

// Admin lists and manages one workspace's jobs for its jobs page.
type Admin struct {
	client *Client
}

// NewAdmin wraps a client (insert-only is enough).
func NewAdmin(c *Client) *Admin { return &Admin{client: c} }

// States shown on the jobs page, in the order a person scans them.
var States = []rivertype.JobState{
	rivertype.JobStateRunning, rivertype.JobStateAvailable, rivertype.JobStateScheduled,
	rivertype.JobStateRetryable, rivertype.JobStateDiscarded, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
}

// Page is one page of jobs.
type Page struct {
	Jobs []*rivertype.JobRow
	Next string // cursor for the next page, "" at the end
}

// List returns up to limit jobs of the workspace in one state, after cursor.
func (a *Admin) List(ctx context.Context, tenantID uuid.UUID, state rivertype.JobState, cursor string, limit int) (Page, error) {
	params := river.NewJobListParams().States(state).Metadata(string(TenantMetadata(tenantID))).First(limit)
	if cursor != "" {
		var c river.JobListCursor
		if err := c.UnmarshalText([]byte(cursor)); err != nil {
			return Page{}, fmt.Errorf("jobs: bad cursor: %w", store.ErrNotFound)
		}
		params = params.After(&c)
	}
	res, err := a.client.JobList(ctx, params)
	if err != nil {
		return Page{}, fmt.Errorf("jobs: list %s: %w", state, err)
	}
	p := Page{Jobs: res.Jobs}
	if len(res.Jobs) == limit && res.LastCursor != nil {
		b, err := res.LastCursor.MarshalText()
		if err == nil {
			p.Next = string(b)
		}
	}
	return p, nil
}

// Counts returns how many of the workspace's jobs are in each state (capped per state for speed).
func (a *Admin) Counts(ctx context.Context, tenantID uuid.UUID, capAt int) (map[rivertype.JobState]int, error) {
	out := make(map[rivertype.JobState]int, len(States))
	for _, s := range States {
		res, err := a.client.JobList(ctx, river.NewJobListParams().States(s).Metadata(string(TenantMetadata(tenantID))).First(capAt))
		if err != nil {
			return nil, fmt.Errorf("jobs: count %s: %w", s, err)
		}
		out[s] = len(res.Jobs)
	}
	return out, nil
}

// Retry makes a job of the workspace run again as soon as possible.
// Only a failed or cancelled job may be retried: one that is queued, running or done has nothing
// to retry.
func (a *Admin) Retry(ctx context.Context, tenantID uuid.UUID, jobID int64) error {
	j, err := a.owned(ctx, tenantID, jobID)
	if err != nil {
		return err
	}
	if !Retriable(j.State) {
		return validate.Errors{"job": "jobs.not_failed"}
	}
	if _, err := a.client.JobRetry(ctx, jobID); err != nil {
		return fmt.Errorf("jobs: retry %d: %w", jobID, err)
	}
	return nil
}

// Cancel stops a job of the workspace from running (again).
func (a *Admin) Cancel(ctx context.Context, tenantID uuid.UUID, jobID int64) error {
	if _, err := a.owned(ctx, tenantID, jobID); err != nil {
		return err
	}
	if _, err := a.client.JobCancel(ctx, jobID); err != nil {
		return fmt.Errorf("jobs: cancel %d: %w", jobID, err)
	}
	return nil
}

// owned hides other workspaces' jobs behind ErrNotFound, exactly like a job that does not exist.
func (a *Admin) owned(ctx context.Context, tenantID uuid.UUID, jobID int64) (*rivertype.JobRow, error) {
	j, err := a.client.JobGet(ctx, jobID)
	if errors.Is(err, river.ErrNotFound) {
		return nil, store.ErrNotFound
	} else if err != nil {
		return nil, fmt.Errorf("jobs: get %d: %w", jobID, err)
	}
	var md struct {
		TenantID string `json:"tenant_id"`
	}
	if json.Unmarshal(j.Metadata, &md) != nil || md.TenantID != tenantID.String() {
		return nil, store.ErrNotFound
	}
	return j, nil
}
