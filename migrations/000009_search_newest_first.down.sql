-- Back to the bitmap-of-every-match search of migration 000004.
CREATE OR REPLACE FUNCTION search_tickets(p_tenant uuid, p_query tsquery, p_candidates integer, p_limit integer)
    RETURNS TABLE (ticket_id bigint, rank real)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    -- A page of results, not the default estimate of 1,000 rows, so callers join by primary key.
    ROWS 50
    SET search_path = public, pg_temp
    -- With LIMIT the planner bets on a sequential scan finding enough rows early; for a rare or
    -- absent word that bet reads every message of the workspace. The GIN index is always right.
    SET enable_seqscan = off
AS $$
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM app_tenant_id() THEN
        RAISE EXCEPTION 'search_tickets: workspace % is not the workspace pinned in this transaction', p_tenant
            USING ERRCODE = '42501';
    END IF;
    -- Dynamic SQL is planned for the actual query each time: a generic plan cannot tell a rare
    -- word from a common one and picks sequential scans.
    RETURN QUERY EXECUTE $q$
        WITH hits AS (
            (SELECT t.id AS ticket_id, ts_rank(t.search_tsv, $2) * 2 AS rank
             FROM tickets t
             WHERE t.tenant_id = $1 AND t.search_tsv @@ $2 AND t.merged_into IS NULL
             LIMIT $3)
            UNION ALL
            (SELECT m.ticket_id, ts_rank(m.search_tsv, $2)
             FROM messages m
             WHERE m.tenant_id = $1 AND m.search_tsv @@ $2
             LIMIT $3)
        )
        SELECT h.ticket_id, max(h.rank)::real
        FROM hits h
        GROUP BY h.ticket_id
        ORDER BY max(h.rank) DESC, h.ticket_id DESC
        LIMIT $4 $q$
    USING p_tenant, p_query, p_candidates, p_limit;
END
$$;
