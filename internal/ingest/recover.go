package ingest

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Before content keys, the pipeline called a message a duplicate when its Message-ID was taken,
// even by other text (a third mail reusing an id, or two arriving at once), with these reasons;
// and a message whose job was lost stayed pending. The recovery takes both through the pipeline
// again, whose rules now keep every message whose content differs and call only true copies
// duplicates.
var oldDuplicateReasons = []string{
	"a message with this Message-ID is already stored",
	"a message with this Message-ID and the same text is already stored",
}

// RecoveryTask names the one-time recovery in one_time_tasks.
const RecoveryTask = "mail.recover_lost/1"

// RecoverArgs is the one-time job that takes mail lost by the old rules through the pipeline again.
type RecoverArgs struct{}

// Kind names the job.
func (RecoverArgs) Kind() string { return "mail.recover_lost" }

// QueueRecoveryOnce queues the recovery the first time it is called on a database (serve calls it
// at every start): the claim and the job commit together, so it runs exactly once per database.
func (s *Service) QueueRecoveryOnce(ctx context.Context) (queued bool, err error) {
	if s.jobs == nil {
		return false, nil
	}
	err = s.st.InTx(ctx, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		n, err := q.OneTimeTaskClaim(ctx, RecoveryTask)
		if err != nil || n == 0 {
			return err
		}
		queued = true
		_, err = s.jobs.InsertTx(ctx, tx, RecoverArgs{}, nil)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("ingest: queue recovery: %w", err)
	}
	return queued, nil
}

// Recover requeues, in every workspace, the stored messages still pending and the ones the old
// rules called duplicates, one processing job each. It is safe to run again: processing is
// idempotent and decides duplicates by content.
func (s *Service) Recover(ctx context.Context) (int, error) {
	var tenants []uuid.UUID
	if err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		tenants, err = q.TenantIDs(ctx)
		return err
	}); err != nil {
		return 0, fmt.Errorf("ingest: recover: list workspaces: %w", err)
	}
	total := 0
	for _, tid := range tenants {
		n, err := s.recoverTenant(ctx, tid)
		total += n
		if err != nil {
			return total, fmt.Errorf("ingest: recover workspace %s: %w", tid, err)
		}
	}
	return total, nil
}

func (s *Service) recoverTenant(ctx context.Context, tenantID uuid.UUID) (int, error) {
	total := 0
	var after int64
	for {
		var ids []int64
		err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
			var err error
			ids, err = q.InboundRecoverable(ctx, dbsqlc.InboundRecoverableParams{TenantID: tenantID, After: after,
				Reasons: oldDuplicateReasons, MaxRows: 500})
			if err != nil || len(ids) == 0 {
				return err
			}
			if err := q.InboundRequeueDuplicates(ctx, dbsqlc.InboundRequeueDuplicatesParams{TenantID: tenantID, Ids: ids}); err != nil {
				return err
			}
			return s.queueMany(ctx, tx, tenantID, ids, func(id int64) river.JobArgs {
				return ProcessArgs{TenantID: tenantID, ID: id, Recover: true}
			})
		})
		if err != nil || len(ids) == 0 {
			return total, err
		}
		total += len(ids)
		after = ids[len(ids)-1]
	}
}
