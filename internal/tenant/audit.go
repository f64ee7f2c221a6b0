package tenant

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Audit records one action in the workspace's audit log, in the caller's transaction so the
// action and its record commit together.
func Audit(ctx context.Context, q *dbsqlc.Queries, sc Scope, action string, detail map[string]any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("tenant: audit %s: %w", action, err)
	}
	actor := uuid.NullUUID{UUID: sc.UserID, Valid: sc.UserID != uuid.Nil}
	if err := q.AuditAdd(ctx, dbsqlc.AuditAddParams{TenantID: sc.TenantID(), ActorUserID: actor, Action: action, Detail: b}); err != nil {
		return fmt.Errorf("tenant: audit %s: %w", action, err)
	}
	return nil
}
