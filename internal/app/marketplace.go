package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// optOuts records a buyer's opt-out notice on the customer (compliance reads it before any
// proactive message).
type optOuts struct{}

func (optOuts) RecordOptOut(ctx context.Context, q *dbsqlc.Queries, tenantID, customerID uuid.UUID, marketplace string) error {
	return compliance.OptOutTx(ctx, q, tenantID, customerID, time.Now(), marketplace)
}
