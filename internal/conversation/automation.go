package conversation

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Triggers the inbox reports to automation (the rules engine's triggers, plus Updated for changes
// that only move SLA clocks).
const (
	TriggerCreated       = "ticket_created"
	TriggerCustomerMsg   = "message_received"
	TriggerAgentReplied  = "agent_replied"
	TriggerStatusChanged = "status_changed"
	TriggerAssigned      = "assigned"
	TriggerUpdated       = "updated"
)

// TicketChange is one ticket change automation hears about.
type TicketChange struct {
	TicketID  int64
	Trigger   string
	MessageID int64 // the message that caused it, if any
}

// Automation runs rules, SLA clocks and routing inside the changing transaction, so a ticket is
// never seen without its priority, due time or assignee. Its own changes do not come back here.
type Automation interface {
	TicketChanged(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, c TicketChange) error
}

// UseAutomation plugs the rules engine in (wired after both exist).
func (s *Service) UseAutomation(a Automation) { s.auto = a }

func (s *Service) changed(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, ticketID int64, trigger string, messageID int64) error {
	if s.auto == nil {
		return nil
	}
	return s.auto.TicketChanged(ctx, q, tx, sc, TicketChange{TicketID: ticketID, Trigger: trigger, MessageID: messageID})
}

// triggerOf maps an event kind to what automation hears.
func triggerOf(kind string) string {
	switch kind {
	case "status", "woke":
		return TriggerStatusChanged
	case "assigned":
		return TriggerAssigned
	}
	return TriggerUpdated
}

// RecordEvent writes an event on the ticket's trail with its live notice, for automation's own
// changes and audit lines.
func RecordEvent(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, ticketID int64, kind string, data map[string]any) error {
	return event(ctx, q, tx, sc, ticketID, kind, data)
}
