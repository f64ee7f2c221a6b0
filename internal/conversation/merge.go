package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// snapshot is what a merge changes on the source ticket, so undo can put it back. Emails and
// IdentityKeys are only in merges made before migration 000014, which moved the source customer's
// addresses to the target's customer; undo still returns them.
type snapshot struct {
	Status       string        `json:"status"`
	AssigneeID   uuid.NullUUID `json:"assignee_id"`
	Priority     int16         `json:"priority"`
	Tags         []string      `json:"tags"`
	ResolvedAt   *time.Time    `json:"resolved_at"`
	SnoozedUntil *time.Time    `json:"snoozed_until,omitempty"`
	CustomerID   uuid.UUID     `json:"customer_id"`
	Emails       []string      `json:"emails,omitempty"`
	IdentityKeys [][2]string   `json:"identities,omitempty"`
}

// MergeOptions are the choices behind a merge.
type MergeOptions struct {
	// Confirm accepts merging tickets of two different customers.
	Confirm bool
}

// DifferentCustomersError holds a merge of two customers' tickets until the person confirms it:
// the messages keep their authors and the customers stay separate, but the thread then has two
// customers and replies go to the target's.
type DifferentCustomersError struct {
	Source, Target string // the customers' names
}

func (e *DifferentCustomersError) Error() string {
	return fmt.Sprintf("conversation: the tickets belong to different customers (%s and %s)", e.Source, e.Target)
}

// marketplaceChannels carry one buyer's thread with the marketplace's own messaging: a reply on
// the thread reaches that buyer only, so such a thread never takes in another buyer or channel.
var marketplaceChannels = []string{"amazon", "ebay", "walmart", "tiktok", "etsy"}

// IsMarketplace reports whether a channel is a marketplace's own messaging.
func IsMarketplace(channel string) bool { return slices.Contains(marketplaceChannels, channel) }

// Merge moves the source ticket's messages into the target and closes the source. Customers are
// never merged by it: each message keeps its author, the target keeps its customer (the next
// reply goes to the target's customer on the target's channel), and tickets of two customers are
// merged only with opts.Confirm. Tickets on a marketplace channel merge only with the same
// buyer's tickets on the same marketplace. It returns the merge's id, which UndoMerge takes.
func (s *Service) Merge(ctx context.Context, sc tenant.Scope, sourceNumber, targetNumber int64, opts MergeOptions) (int64, error) {
	var id int64
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		var err error
		id, err = s.merge(ctx, q, tx, sc, sourceNumber, targetNumber, opts)
		return err
	})
	return id, err
}

func (s *Service) merge(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, sourceNumber, targetNumber int64, opts MergeOptions) (int64, error) {
	tid := sc.TenantID()
	if sourceNumber == targetNumber {
		return 0, validate.Errors{"target": "merge.same_ticket"}
	}
	locked, err := q.TicketsByNumbersForUpdate(ctx, dbsqlc.TicketsByNumbersForUpdateParams{TenantID: tid, Numbers: []int64{sourceNumber, targetNumber}})
	if err != nil {
		return 0, err
	}
	var src, tgt Ticket
	for _, t := range locked {
		if t.Number == sourceNumber {
			src = t
		} else {
			tgt = t
		}
	}
	if src.ID == 0 || tgt.ID == 0 {
		return 0, store.ErrNotFound
	}
	if src.MergedInto.Valid || tgt.MergedInto.Valid {
		return 0, validate.Errors{"target": "merge.already_merged"}
	}
	if (IsMarketplace(src.Channel) || IsMarketplace(tgt.Channel)) &&
		(src.Channel != tgt.Channel || src.Marketplace != tgt.Marketplace || src.CustomerID != tgt.CustomerID) {
		return 0, validate.Errors{"target": "merge.marketplace_refused"}
	}
	if src.CustomerID != tgt.CustomerID && !opts.Confirm {
		names := map[uuid.UUID]string{}
		for _, id := range []uuid.UUID{src.CustomerID, tgt.CustomerID} {
			c, err := q.CustomerGet(ctx, dbsqlc.CustomerGetParams{TenantID: tid, ID: id})
			if err != nil {
				return 0, err
			}
			names[id] = c.Name
		}
		return 0, &DifferentCustomersError{Source: names[src.CustomerID], Target: names[tgt.CustomerID]}
	}
	msgIDs, err := q.MessageIDsOfTicket(ctx, dbsqlc.MessageIDsOfTicketParams{TenantID: tid, TicketID: src.ID})
	if err != nil {
		return 0, err
	}
	snap := snapshot{Status: src.Status, AssigneeID: src.AssigneeID, Priority: src.Priority, Tags: src.Tags, ResolvedAt: src.ResolvedAt,
		SnoozedUntil: src.SnoozedUntil, CustomerID: src.CustomerID}
	if err := q.MessagesMove(ctx, dbsqlc.MessagesMoveParams{TenantID: tid, ToTicket: tgt.ID, Ids: msgIDs}); err != nil {
		return 0, err
	}
	if err := q.TicketSetMergedInto(ctx, dbsqlc.TicketSetMergedIntoParams{TenantID: tid, ID: src.ID, MergedInto: int8Of(tgt.ID), Status: "closed"}); err != nil {
		return 0, err
	}
	sb, err := json.Marshal(snap)
	if err != nil {
		return 0, err
	}
	tb, err := json.Marshal(snapshot{Status: tgt.Status, CustomerID: tgt.CustomerID})
	if err != nil {
		return 0, err
	}
	mg, err := q.MergeCreate(ctx, dbsqlc.MergeCreateParams{TenantID: tid, SourceID: src.ID, TargetID: tgt.ID, MessageIds: msgIDs,
		SourceBefore: sb, TargetBefore: tb, MergedBy: uuid.NullUUID{UUID: sc.UserID, Valid: sc.UserID != uuid.Nil}})
	if err != nil {
		return 0, fmt.Errorf("conversation: record merge: %w", err)
	}
	for _, id := range []int64{src.ID, tgt.ID} {
		if err := q.TicketRefreshSummary(ctx, dbsqlc.TicketRefreshSummaryParams{TenantID: tid, ID: id}); err != nil {
			return 0, err
		}
	}
	if err := event(ctx, q, tx, sc, src.ID, "merged_into", map[string]any{"number": tgt.Number, "merge_id": mg.ID}); err != nil {
		return 0, err
	}
	if err := event(ctx, q, tx, sc, tgt.ID, "merged_from", map[string]any{"number": src.Number, "merge_id": mg.ID, "messages": len(msgIDs)}); err != nil {
		return 0, err
	}
	return mg.ID, s.changedAll(ctx, q, tx, sc, src.ID, tgt.ID)
}

// changedAll tells automation about tickets whose threads moved (merge, undo, split).
func (s *Service) changedAll(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, sc tenant.Scope, ids ...int64) error {
	for _, id := range ids {
		if err := s.changed(ctx, q, tx, sc, id, TriggerUpdated, 0); err != nil {
			return err
		}
	}
	return nil
}

// UndoMerge puts a merge back: the messages it moved return to the source, and the source gets
// its status, assignee, priority, tags and snooze time again. What happened on the target since
// (customer mail that came in through the source's thread, replies, notes) stays on the target,
// which is where it was written or answered.
func (s *Service) UndoMerge(ctx context.Context, sc tenant.Scope, mergeID int64) error {
	tid := sc.TenantID()
	return s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		mg, err := q.MergeGetForUpdate(ctx, dbsqlc.MergeGetForUpdateParams{TenantID: tid, ID: mergeID})
		if err != nil {
			return notFound(err)
		}
		if mg.UndoneAt != nil {
			return validate.Errors{"merge": "merge.already_undone"}
		}
		src, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: mg.SourceID})
		if err != nil {
			return err
		}
		tgt, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: mg.TargetID})
		if err != nil {
			return err
		}
		if _, err := q.TicketsByNumbersForUpdate(ctx, dbsqlc.TicketsByNumbersForUpdateParams{TenantID: tid, Numbers: []int64{src.Number, tgt.Number}}); err != nil {
			return err
		}
		var snap snapshot
		if err := json.Unmarshal(mg.SourceBefore, &snap); err != nil {
			return fmt.Errorf("conversation: merge %d snapshot: %w", mergeID, err)
		}
		if err := q.MessagesMove(ctx, dbsqlc.MessagesMoveParams{TenantID: tid, ToTicket: src.ID, Ids: mg.MessageIds}); err != nil {
			return err
		}
		// Only merges made before 000014 moved addresses; migration 000014 returned them already.
		if err := moveCustomerKeys(ctx, q, tid, snap.CustomerID, snap.Emails, snap.IdentityKeys); err != nil {
			return err
		}
		if snap.Tags == nil {
			snap.Tags = []string{}
		}
		if snap.Status == "snoozed" {
			// A snooze whose time passed while the ticket was merged away was never woken (the
			// wake-up found it closed): it comes back open. A later one is woken as planned.
			if snap.SnoozedUntil == nil || !snap.SnoozedUntil.After(s.now()) {
				snap.Status, snap.SnoozedUntil = "open", nil
			} else if err := s.scheduleWake(ctx, tx, tid, src.ID, *snap.SnoozedUntil); err != nil {
				return err
			}
		}
		if err := q.TicketRestore(ctx, dbsqlc.TicketRestoreParams{TenantID: tid, ID: src.ID, Status: snap.Status, AssigneeID: snap.AssigneeID,
			Priority: snap.Priority, Tags: snap.Tags, ResolvedAt: snap.ResolvedAt, SnoozedUntil: snap.SnoozedUntil}); err != nil {
			return err
		}
		if err := q.MergeUndone(ctx, dbsqlc.MergeUndoneParams{TenantID: tid, ID: mergeID}); err != nil {
			return err
		}
		for _, id := range []int64{src.ID, tgt.ID} {
			if err := q.TicketRefreshSummary(ctx, dbsqlc.TicketRefreshSummaryParams{TenantID: tid, ID: id}); err != nil {
				return err
			}
		}
		if err := event(ctx, q, tx, sc, src.ID, "merge_undone", map[string]any{"number": tgt.Number, "merge_id": mergeID}); err != nil {
			return err
		}
		if err := event(ctx, q, tx, sc, tgt.ID, "merge_undone", map[string]any{"number": src.Number, "merge_id": mergeID}); err != nil {
			return err
		}
		return s.changedAll(ctx, q, tx, sc, src.ID, tgt.ID)
	})
}

func moveCustomerKeys(ctx context.Context, q *dbsqlc.Queries, tid, to uuid.UUID, emails []string, identities [][2]string) error {
	if len(emails) > 0 {
		if err := q.CustomerEmailsMove(ctx, dbsqlc.CustomerEmailsMoveParams{TenantID: tid, ToCustomer: to, Emails: emails}); err != nil {
			return err
		}
	}
	if len(identities) > 0 {
		// channel and external id joined by the unit separator, which neither contains.
		var keys []string
		for _, k := range identities {
			keys = append(keys, k[0]+"\x1f"+k[1])
		}
		if err := q.CustomerIdentitiesMove(ctx, dbsqlc.CustomerIdentitiesMoveParams{TenantID: tid, ToCustomer: to, Keys: keys}); err != nil {
			return err
		}
	}
	return nil
}

// Split moves one customer message out of a ticket into a new ticket of the same customer and
// channel. The new ticket keeps the source's priority but none of its deadlines: its targets are
// the ones the policies give from the split message's own time (a "thank you" split out of an
// overdue thread is not born overdue).
func (s *Service) Split(ctx context.Context, sc tenant.Scope, number, messageID int64) (Ticket, error) {
	tid := sc.TenantID()
	var nt Ticket
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		t, err := q.TicketForUpdate(ctx, dbsqlc.TicketForUpdateParams{TenantID: tid, Number: number})
		if err != nil {
			return notFound(err)
		}
		if err := refuseMergedAway(t); err != nil {
			return err
		}
		m, err := q.MessageForUpdate(ctx, dbsqlc.MessageForUpdateParams{TenantID: tid, ID: messageID})
		if err != nil || m.TicketID != t.ID {
			return store.ErrNotFound
		}
		if m.Kind != "inbound" {
			return validate.Errors{"message": "split.only_customer_messages"}
		}
		if t.MessageCount <= 1 {
			return validate.Errors{"message": "split.last_message"}
		}
		n, err := q.TicketNextNumbers(ctx, dbsqlc.TicketNextNumbersParams{TenantID: tid, N: 1})
		if err != nil {
			return err
		}
		newID, err := q.TicketCreate(ctx, dbsqlc.TicketCreateParams{TenantID: tid, Number: n, Channel: t.Channel, Marketplace: t.Marketplace,
			Store: t.Store, Subject: t.Subject, CustomerID: t.CustomerID, Status: "open", Priority: t.Priority, Tags: t.Tags,
			Language: t.Language, Presale: t.Presale, CreatedAt: m.CreatedAt, Terms: ticketTerms(t.Subject)})
		if err != nil {
			return err
		}
		if err := q.MessagesMove(ctx, dbsqlc.MessagesMoveParams{TenantID: tid, ToTicket: newID, Ids: []int64{m.ID}}); err != nil {
			return err
		}
		for _, id := range []int64{t.ID, newID} {
			if err := q.TicketRefreshSummary(ctx, dbsqlc.TicketRefreshSummaryParams{TenantID: tid, ID: id}); err != nil {
				return err
			}
		}
		if err := event(ctx, q, tx, sc, t.ID, "split_out", map[string]any{"number": n, "message_id": m.ID}); err != nil {
			return err
		}
		if err := event(ctx, q, tx, sc, newID, "split_from", map[string]any{"number": t.Number, "message_id": m.ID}); err != nil {
			return err
		}
		if err := s.changedAll(ctx, q, tx, sc, t.ID, newID); err != nil {
			return err
		}
		nt, err = q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tid, ID: newID})
		return err
	})
	return nt, err
}
