package conversation

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Bulk actions on a selection of tickets.
const (
	BulkAssign = "assign"
	BulkStatus = "status"
	BulkTag    = "tag"
	BulkMerge  = "merge"
)

// BulkAction says what to do with the selection.
type BulkAction struct {
	Kind   string
	UserID uuid.UUID // assign; uuid.Nil unassigns
	Status string    // status
	Tag    string    // tag (added)
}

// MaxBulk keeps one bulk action to a size one transaction handles quickly.
const MaxBulk = 200

// Bulk applies one action to every selected ticket in one transaction: all change or none.
// Merge merges every other ticket into the oldest of the selection.
func (s *Service) Bulk(ctx context.Context, sc tenant.Scope, numbers []int64, a BulkAction) error {
	numbers = slices.Compact(slices.Sorted(slices.Values(numbers)))
	if len(numbers) == 0 {
		return validate.Errors{"selection": "bulk.empty"}
	}
	if len(numbers) > MaxBulk {
		return validate.Errors{"selection": "bulk.too_many"}
	}
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		locked, err := q.TicketsByNumbersForUpdate(ctx, dbsqlc.TicketsByNumbersForUpdateParams{TenantID: sc.TenantID(), Numbers: numbers})
		if err != nil {
			return err
		}
		if len(locked) != len(numbers) {
			return store.ErrNotFound
		}
		if a.Kind == BulkMerge {
			if len(locked) < 2 {
				return validate.Errors{"selection": "bulk.merge_needs_two"}
			}
			target := locked[0] // lowest id: the oldest ticket
			for _, t := range locked[1:] {
				// Tickets of different customers merge one at a time from the ticket page, where
				// the person sees who is involved and confirms.
				_, err := s.merge(ctx, q, tx, sc, t.Number, target.Number, MergeOptions{})
				if _, ok := errors.AsType[*DifferentCustomersError](err); ok {
					return validate.Errors{"selection": "bulk.merge_different_customers"}
				}
				if err != nil {
					return err
				}
			}
			return nil
		}
		if a.Kind == BulkAssign && len(locked) > 1 {
			ctx = withNoticeGroup(ctx, NoticeAssigned)
		}
		for _, t := range locked {
			var kind string
			var data map[string]any
			switch a.Kind {
			case BulkAssign:
				kind, data, err = s.assign(ctx, q, sc, t, a.UserID)
			case BulkStatus:
				kind, data, err = s.setStatus(ctx, q, sc, t, a.Status, nil)
			case BulkTag:
				kind, data, err = s.addTags(ctx, q, sc, t, []string{a.Tag})
			default:
				return validate.Errors{"action": "bulk.unknown"}
			}
			if err != nil {
				return err
			}
			if kind != "" {
				if err := event(ctx, q, tx, sc, t.ID, kind, data); err != nil {
					return err
				}
				if err := s.changed(ctx, q, tx, sc, t.ID, triggerOf(kind), 0); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
