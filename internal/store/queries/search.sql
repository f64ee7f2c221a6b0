-- name: SearchHits :many
-- The best-matching message of each found ticket, so a search result shows the words that
-- matched rather than the ticket's latest message. Reads each ticket's messages through
-- messages_ticket_idx; a search shows at most 100 tickets.
SELECT DISTINCT ON (m.ticket_id) m.ticket_id, m.id, m.kind, m.body_text
FROM messages m
WHERE m.tenant_id = @tenant_id AND m.ticket_id = ANY (@ticket_ids::bigint[]) AND m.search_tsv @@ @query::tsquery
ORDER BY m.ticket_id, ts_rank(m.search_tsv, @query::tsquery) DESC, m.id DESC;
