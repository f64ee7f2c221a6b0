package conversation

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shopdesk/shopdesk/internal/search"
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
	q, ok := search.QueryIn(search.Scope(sc.TenantID()), typed)
	if !ok {
		return nil, nil
	}
	limit = min(max(limit, 1), 100)
	out, err := s.queryItems(ctx, sc, false, searchSQL, sc.TenantID(), q, limit, sc.UserID)
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
