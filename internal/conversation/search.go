package conversation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/search"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// searchCandidates is how many matching rows of each kind (messages, tickets) are ranked: the
// newest ones, found by walking at most a hundred times as many of the newest rows before the
// text index is asked (search_tickets, migration 000009), so a common word costs the same in a
// workspace of any size.
const searchCandidates = 50

// searchSQL ranks tickets by their best hit: a match in the ticket itself (subject, customer,
// addresses, order numbers) weighs double a match in one of its messages. The matching runs in
// search_tickets (migrations 000004 and 000009), which can use the text-search indexes.
var searchSQL = `
WITH best AS (SELECT * FROM search_tickets($1, $2::tsquery, ` + strconv.Itoa(searchCandidates) + `, $3))
SELECT ` + listColumns + `, c.name, (r.read_at IS NULL OR r.read_at < t.last_message_at)
FROM best b
JOIN tickets t ON t.tenant_id = $1 AND t.id = b.ticket_id
JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
LEFT JOIN ticket_reads r ON r.tenant_id = t.tenant_id AND r.ticket_id = t.id AND r.user_id = $4
ORDER BY b.rank DESC, t.id DESC`

// Search finds tickets by subject, message text, customer name or address and order number,
// best match first. Typed text is folded and split the same way as indexed text (package search).
func (s *Service) Search(ctx context.Context, sc tenant.Scope, typed string, limit int) ([]ListItem, error) {
	return s.SearchWith(ctx, sc, typed, limit, nil)
}

// SearchWith is Search with other statements (also, see store.Join) in the search's round trip.
func (s *Service) SearchWith(ctx context.Context, sc tenant.Scope, typed string, limit int, also store.PipelineFunc) ([]ListItem, error) {
	q, ok := search.QueryIn(search.Scope(sc.TenantID()), typed)
	if !ok {
		if also == nil {
			return nil, nil
		}
		if err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, also); err != nil {
			return nil, fmt.Errorf("conversation: search: %w", err)
		}
		return nil, nil
	}
	limit = min(max(limit, 1), 100)
	out, err := s.queryItems(ctx, sc, false, also, searchSQL, sc.TenantID(), q, limit, sc.UserID)
	if err != nil {
		return nil, fmt.Errorf("conversation: search: %w", err)
	}
	if err := s.matchedMessages(ctx, sc, q, out); err != nil {
		return nil, fmt.Errorf("conversation: search: %w", err)
	}
	return out, nil
}

// matchedMessages sets each result's Match to its best-matching message, in one statement for
// the whole page.
func (s *Service) matchedMessages(ctx context.Context, sc tenant.Scope, q string, items []ListItem) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	var hits []dbsqlc.SearchHitsRow
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, func(dq *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		var err error
		hits, err = dq.SearchHits(ctx, dbsqlc.SearchHitsParams{TenantID: sc.TenantID(), TicketIds: ids, Query: q})
		return err
	})
	if err != nil {
		return err
	}
	byTicket := make(map[int64]string, len(hits))
	for _, h := range hits {
		byTicket[h.TicketID] = h.BodyText
	}
	for i := range items {
		items[i].Match = byTicket[items[i].ID]
	}
	return nil
}

// SearchSQL is the search statement, for EXPLAIN in benchmarks.
func SearchSQL() string { return searchSQL }

// MergeCandidates are the tickets a ticket could be merged into for what was typed: the ticket
// of that number first ("123" or "#123"), then the search's best matches; never the ticket
// itself or one already merged away.
func (s *Service) MergeCandidates(ctx context.Context, sc tenant.Scope, number int64, typed string, limit int) ([]ListItem, error) {
	typed = strings.TrimSpace(typed)
	var out []ListItem
	seen := map[int64]bool{number: true}
	if n, err := strconv.ParseInt(strings.TrimPrefix(typed, "#"), 10, 64); err == nil && n > 0 && n != number {
		t, err := s.Ticket(ctx, sc, n)
		switch {
		case err == nil && !t.MergedInto.Valid:
			it := ListItem{Ticket: t}
			if c, err := s.customerName(ctx, sc, t.CustomerID); err == nil {
				it.CustomerName = c
			} else {
				return nil, err
			}
			out = append(out, it)
			seen[n] = true
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	found, err := s.Search(ctx, sc, typed, limit+1)
	if err != nil {
		return nil, err
	}
	for _, it := range found {
		if len(out) >= limit {
			break
		}
		if !seen[it.Number] && !it.MergedInto.Valid {
			seen[it.Number] = true
			out = append(out, it)
		}
	}
	return out, nil
}

func (s *Service) customerName(ctx context.Context, sc tenant.Scope, id uuid.UUID) (string, error) {
	var name string
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		c, err := q.CustomerGet(ctx, dbsqlc.CustomerGetParams{TenantID: sc.TenantID(), ID: id})
		name = c.Name
		return notFound(err)
	})
	return name, err
}
