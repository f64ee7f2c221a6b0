package conversation

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shopdesk/shopdesk/internal/search"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// searchCandidates bounds how many matching rows of each kind are ranked, so a very common word
// costs a bounded amount of work in a workspace of any size.
const searchCandidates = 2000

// searchSQL ranks tickets by their best hit: a match in the ticket itself (subject, customer,
// addresses, order numbers) weighs double a match in one of its messages.
var searchSQL = `
WITH q AS (SELECT $2::tsquery AS q),
hits AS (
	(SELECT t.id AS ticket_id, ts_rank(t.search_tsv, q.q) * 2 AS rank
	 FROM tickets t, q WHERE t.tenant_id = $1 AND t.search_tsv @@ q.q AND t.merged_into IS NULL
	 LIMIT ` + strconv.Itoa(searchCandidates) + `)
	UNION ALL
	(SELECT m.ticket_id, ts_rank(m.search_tsv, q.q)
	 FROM messages m, q WHERE m.tenant_id = $1 AND m.search_tsv @@ q.q
	 LIMIT ` + strconv.Itoa(searchCandidates) + `)
),
best AS (SELECT ticket_id, max(rank) AS rank FROM hits GROUP BY ticket_id ORDER BY max(rank) DESC, ticket_id DESC LIMIT $3)
SELECT ` + listColumns + `, c.name, coalesce(u.name, ''), (r.read_at IS NULL OR r.read_at < t.last_message_at)
FROM best b
JOIN tickets t ON t.tenant_id = $1 AND t.id = b.ticket_id
JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
LEFT JOIN users u ON u.id = t.assignee_id
LEFT JOIN ticket_reads r ON r.tenant_id = t.tenant_id AND r.ticket_id = t.id AND r.user_id = $4
ORDER BY b.rank DESC, t.id DESC`

// Search finds tickets by subject, message text, customer name or address and order number,
// best match first. Typed text is folded and split the same way as indexed text (package search).
func (s *Service) Search(ctx context.Context, sc tenant.Scope, typed string, limit int) ([]ListItem, error) {
	q, ok := search.Query(typed)
	if !ok {
		return nil, nil
	}
	limit = min(max(limit, 1), 100)
	out, err := s.queryItems(ctx, sc, searchSQL, sc.TenantID(), q, limit, sc.UserID)
	if err != nil {
		return nil, fmt.Errorf("conversation: search: %w", err)
	}
	return out, nil
}

// SearchSQL is the search statement, for EXPLAIN in benchmarks.
func SearchSQL() string { return searchSQL }
