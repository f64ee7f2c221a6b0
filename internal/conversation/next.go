package conversation

import (
	"context"
	"fmt"

	"github.com/shopdesk/shopdesk/internal/tenant"
)

// nextPages bounds how far NextInView looks: a view whose next 200 tickets are all being worked
// on by others sends the agent back to the list rather than scanning the whole workspace.
const (
	nextPageSize = 50
	nextPages    = 4
)

// NextInView finds the ticket that follows from in the view and filter f, in the view's own
// order — from is the ticket as it was before the agent acted on it, so its place in the list is
// known even after resolving it took it out of the view. Tickets busy reports (another agent on
// them) are passed over, and so is from itself. When nothing follows, the view is searched from
// its start, so the last ticket of a list leads to the first one left. It returns 0 when the view
// has no other ticket to work on.
func (s *Service) NextInView(ctx context.Context, sc tenant.Scope, f Filter, from Ticket, busy func(ticketID int64) bool) (int64, error) {
	_, _, order, err := s.buildList(sc, f, "", 1)
	if err != nil {
		return 0, err
	}
	pick := func(after string) (int64, error) {
		for range nextPages {
			p, err := s.List(ctx, sc, f, after, nextPageSize)
			if err != nil {
				return 0, fmt.Errorf("conversation: next after #%d: %w", from.Number, err)
			}
			for _, it := range p.Items {
				if it.ID != from.ID && !busy(it.ID) {
					return it.Number, nil
				}
			}
			if p.Next == "" {
				break
			}
			after = p.Next
		}
		return 0, nil
	}
	if c, ok := cursorOf(from, order); ok {
		n, err := pick(c.encode())
		if n != 0 || err != nil {
			return n, err
		}
	}
	return pick("")
}

// cursorOf is the list position of t in a list sorted by order, as List's cursors spell it; ok
// is false when t has no place in such a list (a ticket never resolved, in a list of done ones).
func cursorOf(t Ticket, order listOrder) (cursor, bool) {
	c := cursor{Due: t.SlaDueAt, Priority: t.Priority, Created: t.CreatedAt, ID: t.ID}
	switch order {
	case orderDone:
		if t.ResolvedAt == nil {
			return cursor{}, false
		}
		c = cursor{Resolved: t.ResolvedAt, ID: t.ID}
	case orderSnoozed:
		c = cursor{Snoozed: t.SnoozedUntil, ID: t.ID}
	}
	c.Mode = order.mode()
	return c, true
}
