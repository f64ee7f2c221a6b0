package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// EachTenant runs fn in each workspace's own transaction, one workspace after the other, for
// maintenance that must touch every workspace (re-sealing secrets under a new key). progress, when
// set, hears after each workspace. A failure stops the walk; what was done stays done.
func (s *Store) EachTenant(ctx context.Context, progress func(done, total int), fn func(q *dbsqlc.Queries, tenantID uuid.UUID) error) error {
	var tenants []uuid.UUID
	if err := s.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		tenants, err = q.TenantIDs(ctx)
		return err
	}); err != nil {
		return err
	}
	for i, tid := range tenants {
		if err := s.InTenantTx(ctx, tid, func(q *dbsqlc.Queries, _ pgx.Tx) error { return fn(q, tid) }); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, len(tenants))
		}
	}
	return nil
}
