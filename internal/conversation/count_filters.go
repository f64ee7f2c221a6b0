package conversation

import (
	"context"
	"fmt"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// CountFilters counts each filter's tickets as its list would show them, stopping at CountCap:
// each count is the list's own statement limited to CountCap rows, so it costs at most what
// reading that many rows of the list costs. All go out in one round trip. A filter that cannot
// be listed counts 0.
func (s *Service) CountFilters(ctx context.Context, sc tenant.Scope, filters []Filter) ([]int, error) {
	out := make([]int, len(filters))
	type stmt struct {
		i    int
		sql  string
		args []any
	}
	var stmts []stmt
	for i, f := range filters {
		sql, args, _, err := s.buildList(sc, f, "", CountCap-1)
		if err != nil {
			continue
		}
		stmts = append(stmts, stmt{i, "SELECT count(*) FROM (" + sql + ") s", args})
	}
	if len(stmts) == 0 {
		return out, nil
	}
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, func(_ *dbsqlc.Queries, db dbsqlc.DBTX) error {
		for _, st := range stmts {
			var n int
			if err := db.QueryRow(ctx, st.sql, st.args...).Scan(&n); err != nil {
				return err
			}
			out[st.i] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: count filters: %w", err)
	}
	return out, nil
}
