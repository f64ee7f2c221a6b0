package conversation

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// CustomerPage is what the customer page shows.
type CustomerPage struct {
	Customer dbsqlc.Customer
	// MergedInto is the customer this one became part of, when it was merged away.
	MergedInto *dbsqlc.Customer
	Emails     []string
	Identities []dbsqlc.CustomerIdentity
	Tickets    []dbsqlc.CustomerTicketsRow
	// Merges are the merges into this customer that can still be undone, newest first.
	Merges []dbsqlc.CustomerMergesIntoRow
}

// Customer loads a customer with their addresses, identities and tickets.
func (s *Service) Customer(ctx context.Context, sc tenant.Scope, id uuid.UUID) (CustomerPage, error) {
	tid := sc.TenantID()
	var p CustomerPage
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if p.Customer, err = q.CustomerGet(ctx, dbsqlc.CustomerGetParams{TenantID: tid, ID: id}); err != nil {
			return notFound(err)
		}
		if p.Customer.MergedInto.Valid {
			into, err := q.CustomerGet(ctx, dbsqlc.CustomerGetParams{TenantID: tid, ID: p.Customer.MergedInto.UUID})
			if err != nil {
				return err
			}
			p.MergedInto = &into
		}
		if p.Emails, err = q.CustomerEmails(ctx, dbsqlc.CustomerEmailsParams{TenantID: tid, CustomerID: id}); err != nil {
			return err
		}
		if p.Identities, err = q.CustomerIdentities(ctx, dbsqlc.CustomerIdentitiesParams{TenantID: tid, CustomerID: id}); err != nil {
			return err
		}
		if p.Tickets, err = q.CustomerTickets(ctx, dbsqlc.CustomerTicketsParams{TenantID: tid, CustomerID: id}); err != nil {
			return err
		}
		p.Merges, err = q.CustomerMergesInto(ctx, dbsqlc.CustomerMergesIntoParams{TenantID: tid, TargetID: id})
		return err
	})
	if err != nil {
		return CustomerPage{}, fmt.Errorf("conversation: customer: %w", err)
	}
	return p, nil
}

// SearchCustomers finds up to 20 customers (not merged away, not except) whose name or an
// address starts with the text.
func (s *Service) SearchCustomers(ctx context.Context, sc tenant.Scope, text string, except uuid.UUID) ([]dbsqlc.CustomerSearchRow, error) {
	// Typed text: only valid UTF-8 without NUL reaches the database, and a name's length is plenty.
	text = strings.ReplaceAll(strings.ToValidUTF8(text, ""), "\x00", "")
	text = strings.ToLower(strings.TrimSpace(text))
	if r := []rune(text); len(r) > 200 {
		text = string(r[:200])
	}
	if text == "" {
		return nil, nil
	}
	pattern := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text) + "%"
	var out []dbsqlc.CustomerSearchRow
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.CustomerSearch(ctx, dbsqlc.CustomerSearchParams{TenantID: sc.TenantID(), ExceptID: except, Pattern: pattern})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: search customers: %w", err)
	}
	return out, nil
}

// MergeCustomers makes source part of target: its addresses, identities, tickets and orders move
// to target, and source stays as a row that points at target (its messages keep naming it). The
// merge is recorded in the audit log and can be undone.
func (s *Service) MergeCustomers(ctx context.Context, sc tenant.Scope, sourceID, targetID uuid.UUID) (int64, error) {
	tid := sc.TenantID()
	if sourceID == targetID {
		return 0, validate.Errors{"target": "customer_merge.same"}
	}
	var id int64
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		src, tgt, err := lockCustomers(ctx, q, tid, sourceID, targetID)
		if err != nil {
			return err
		}
		if src.MergedInto.Valid || tgt.MergedInto.Valid {
			return validate.Errors{"target": "customer_merge.already_merged"}
		}
		emails, err := q.CustomerEmails(ctx, dbsqlc.CustomerEmailsParams{TenantID: tid, CustomerID: src.ID})
		if err != nil {
			return err
		}
		idents, err := q.CustomerIdentities(ctx, dbsqlc.CustomerIdentitiesParams{TenantID: tid, CustomerID: src.ID})
		if err != nil {
			return err
		}
		keys := []string{}
		for _, i := range idents {
			keys = append(keys, i.Channel+"\x1f"+i.ExternalID)
		}
		tickets, err := q.CustomerTicketIDs(ctx, dbsqlc.CustomerTicketIDsParams{TenantID: tid, CustomerID: src.ID})
		if err != nil {
			return err
		}
		orders, err := q.CustomerOrderIDs(ctx, dbsqlc.CustomerOrderIDsParams{TenantID: tid, CustomerID: uuid.NullUUID{UUID: src.ID, Valid: true}})
		if err != nil {
			return err
		}
		if emails == nil {
			emails = []string{}
		}
		if tickets == nil {
			tickets = []int64{}
		}
		if orders == nil {
			orders = []uuid.UUID{}
		}
		if err := reassignCustomer(ctx, q, tid, src.ID, tgt.ID, emails, keys, tickets, orders); err != nil {
			return err
		}
		if err := q.CustomerSetMergedInto(ctx, dbsqlc.CustomerSetMergedIntoParams{TenantID: tid, ID: src.ID, MergedInto: uuid.NullUUID{UUID: tgt.ID, Valid: true}}); err != nil {
			return err
		}
		mg, err := q.CustomerMergeCreate(ctx, dbsqlc.CustomerMergeCreateParams{TenantID: tid, SourceID: src.ID, TargetID: tgt.ID,
			Emails: emails, Identities: keys, TicketIds: tickets, OrderIds: orders, MergedBy: uuid.NullUUID{UUID: sc.UserID, Valid: sc.UserID != uuid.Nil}})
		if err != nil {
			return fmt.Errorf("conversation: record customer merge: %w", err)
		}
		id = mg.ID
		for _, t := range tickets {
			if err := event(ctx, q, tx, sc, t, "customer_merged", map[string]any{"from": src.Name, "to": tgt.Name, "customer_merge_id": mg.ID}); err != nil {
				return err
			}
		}
		return tenant.Audit(ctx, q, sc, "customer.merged", map[string]any{"customer_merge_id": mg.ID,
			"source": src.ID, "source_name": src.Name, "target": tgt.ID, "target_name": tgt.Name,
			"emails": emails, "identities": len(keys), "tickets": len(tickets), "orders": len(orders)})
	})
	if err != nil {
		return 0, fmt.Errorf("conversation: merge customers: %w", err)
	}
	return id, nil
}

// UndoCustomerMerge puts back exactly what the merge moved: the addresses, identities, tickets
// and orders return to the source customer, which stands on its own again. What target gained
// since (new tickets, new addresses) stays with target.
func (s *Service) UndoCustomerMerge(ctx context.Context, sc tenant.Scope, mergeID int64) error {
	tid := sc.TenantID()
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		mg, err := q.CustomerMergeGetForUpdate(ctx, dbsqlc.CustomerMergeGetForUpdateParams{TenantID: tid, ID: mergeID})
		if err != nil {
			return notFound(err)
		}
		if mg.UndoneAt != nil {
			return validate.Errors{"merge": "customer_merge.already_undone"}
		}
		src, tgt, err := lockCustomers(ctx, q, tid, mg.SourceID, mg.TargetID)
		if err != nil {
			return err
		}
		if tgt.MergedInto.Valid {
			// What moved is now with a third customer: that later merge comes back first.
			return validate.Errors{"merge": "customer_merge.undo_later_first"}
		}
		if err := reassignCustomer(ctx, q, tid, tgt.ID, src.ID, mg.Emails, mg.Identities, mg.TicketIds, mg.OrderIds); err != nil {
			return err
		}
		if err := q.CustomerSetMergedInto(ctx, dbsqlc.CustomerSetMergedIntoParams{TenantID: tid, ID: src.ID}); err != nil {
			return err
		}
		if err := q.CustomerMergeUndone(ctx, dbsqlc.CustomerMergeUndoneParams{TenantID: tid, ID: mg.ID,
			UndoneBy: uuid.NullUUID{UUID: sc.UserID, Valid: sc.UserID != uuid.Nil}}); err != nil {
			return err
		}
		for _, t := range mg.TicketIds {
			if err := event(ctx, q, tx, sc, t, "customer_merge_undone", map[string]any{"from": tgt.Name, "to": src.Name, "customer_merge_id": mg.ID}); err != nil {
				return err
			}
		}
		return tenant.Audit(ctx, q, sc, "customer.merge_undone", map[string]any{"customer_merge_id": mg.ID,
			"source": src.ID, "source_name": src.Name, "target": tgt.ID, "target_name": tgt.Name})
	})
	if err != nil {
		return fmt.Errorf("conversation: undo customer merge: %w", err)
	}
	return nil
}

func lockCustomers(ctx context.Context, q *dbsqlc.Queries, tid, sourceID, targetID uuid.UUID) (src, tgt dbsqlc.Customer, err error) {
	rows, err := q.CustomersForUpdate(ctx, dbsqlc.CustomersForUpdateParams{TenantID: tid, Ids: []uuid.UUID{sourceID, targetID}})
	if err != nil {
		return src, tgt, err
	}
	for _, c := range rows {
		switch c.ID {
		case sourceID:
			src = c
		case targetID:
			tgt = c
		}
	}
	if src.ID == uuid.Nil {
		return src, tgt, store.ErrNotFound
	}
	if tgt.ID == uuid.Nil {
		// Chosen in a form: another workspace's id or a stale one is a problem with the choice.
		return src, tgt, validate.Errors{"target": "customer_merge.pick"}
	}
	return src, tgt, nil
}

// reassignCustomer moves the listed keys, tickets and orders that from still holds to to.
func reassignCustomer(ctx context.Context, q *dbsqlc.Queries, tid, from, to uuid.UUID, emails, keys []string, tickets []int64, orders []uuid.UUID) error {
	if err := q.CustomerEmailsReassign(ctx, dbsqlc.CustomerEmailsReassignParams{TenantID: tid, FromCustomer: from, ToCustomer: to, Emails: emails}); err != nil {
		return err
	}
	if err := q.CustomerIdentitiesReassign(ctx, dbsqlc.CustomerIdentitiesReassignParams{TenantID: tid, FromCustomer: from, ToCustomer: to, Keys: keys}); err != nil {
		return err
	}
	if err := q.TicketsReassignCustomer(ctx, dbsqlc.TicketsReassignCustomerParams{TenantID: tid, FromCustomer: from, ToCustomer: to, Ids: tickets}); err != nil {
		return err
	}
	err := q.OrdersReassignCustomer(ctx, dbsqlc.OrdersReassignCustomerParams{TenantID: tid, FromCustomer: uuid.NullUUID{UUID: from, Valid: true},
		ToCustomer: uuid.NullUUID{UUID: to, Valid: true}, Ids: orders})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}
