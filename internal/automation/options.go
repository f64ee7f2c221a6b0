package automation

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Marketplaces lists the marketplaces the workspace has met, for forms that pick among them.
func (e *Engine) Marketplaces(ctx context.Context, sc tenant.Scope) ([]string, error) {
	var out []string
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.WorkspaceMarketplaces(ctx, sc.TenantID())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("automation: marketplaces: %w", err)
	}
	return out, nil
}
