package conversation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Channel is the PostgreSQL NOTIFY channel that carries inbox changes to every shopdesk process.
const Channel = "shopdesk_live"

// Change is what a NOTIFY says: which ticket of which workspace changed, and how. Pages fetch the
// new state themselves; the notification carries no content, so nothing leaks through it.
type Change struct {
	TenantID uuid.UUID `json:"t"`
	TicketID int64     `json:"k,omitempty"`
	Kind     string    `json:"e"`
	UserID   uuid.UUID `json:"u,omitzero"`
	Detail   string    `json:"d,omitempty"`
}

// Notify queues a change notice; PostgreSQL delivers it when the transaction commits, and never
// if it rolls back.
func Notify(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, kind string) error {
	return NotifyChange(ctx, tx, Change{TenantID: tenantID, TicketID: ticketID, Kind: kind})
}

// NotifyChange sends any change notice (presence uses it outside ticket transactions).
func NotifyChange(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, c Change) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, "SELECT pg_notify($1, $2)", Channel, string(b)); err != nil {
		return fmt.Errorf("conversation: notify: %w", err)
	}
	return nil
}
