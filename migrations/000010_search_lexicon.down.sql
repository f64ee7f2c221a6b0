DROP TRIGGER search_lexicon_insert ON tickets;
DROP TRIGGER search_lexicon_update ON tickets;
DROP TRIGGER search_lexicon_insert ON messages;
DROP TRIGGER search_lexicon_update ON messages;
DROP FUNCTION search_lexicon_from_inserted();
DROP FUNCTION search_lexicon_from_updated();
DROP TABLE search_lexicon;
DROP FUNCTION lexicon_word(text);

-- search_tickets as of migration 000009.
CREATE OR REPLACE FUNCTION search_tickets(p_tenant uuid, p_query tsquery, p_candidates integer, p_limit integer)
    RETURNS TABLE (ticket_id bigint, rank real)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    ROWS 50
    SET search_path = public, pg_temp
    SET enable_seqscan = off
    -- Estimates for scoped terms are poor; a search is a few milliseconds of index reads, never
    -- worth compiling or parallel workers.
    SET jit = off
    SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    m_ids bigint[];
    t_ids bigint[];
    m_window integer := p_candidates * 100;
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM app_tenant_id() THEN
        RAISE EXCEPTION 'search_tickets: workspace % is not the workspace pinned in this transaction', p_tenant
            USING ERRCODE = '42501';
    END IF;

    -- The LIMIT inside the subquery bounds the walk: the planner cannot push the text match below
    -- it, so a rare word costs m_window rows and no more.
    SELECT array_agg(w.id) INTO m_ids FROM (
        SELECT n.id FROM (
            SELECT m.id, m.search_tsv FROM messages m
            WHERE m.tenant_id = p_tenant ORDER BY m.id DESC LIMIT m_window) n
        WHERE n.search_tsv @@ p_query LIMIT p_candidates) w;
    IF coalesce(cardinality(m_ids), 0) < p_candidates THEN
        -- MATERIALIZED keeps the workspace condition out of the index scan: combined with the
        -- primary key it made a bitmap of the workspace's every message. The scoped terms already
        -- select the workspace; the condition stays for isolation. Dynamic SQL is planned for this
        -- query, not a generic one.
        EXECUTE $q$
            WITH g AS MATERIALIZED (SELECT m.tenant_id, m.id FROM messages m WHERE m.search_tsv @@ $2)
            SELECT array_agg(x.id) FROM (
                SELECT g.id FROM g WHERE g.tenant_id = $1 ORDER BY g.id DESC LIMIT $3) x $q$
        INTO m_ids USING p_tenant, p_query, p_candidates;
    END IF;

    SELECT array_agg(w.id) INTO t_ids FROM (
        SELECT n.id FROM (
            SELECT t.id, t.search_tsv, t.merged_into FROM tickets t
            WHERE t.tenant_id = p_tenant ORDER BY t.id DESC LIMIT m_window) n
        WHERE n.search_tsv @@ p_query AND n.merged_into IS NULL LIMIT p_candidates) w;
    IF coalesce(cardinality(t_ids), 0) < p_candidates THEN
        EXECUTE $q$
            WITH g AS MATERIALIZED (SELECT t.tenant_id, t.id, t.merged_into FROM tickets t WHERE t.search_tsv @@ $2)
            SELECT array_agg(x.id) FROM (
                SELECT g.id FROM g WHERE g.tenant_id = $1 AND g.merged_into IS NULL ORDER BY g.id DESC LIMIT $3) x $q$
        INTO t_ids USING p_tenant, p_query, p_candidates;
    END IF;

    RETURN QUERY
        SELECT h.ticket_id, max(h.rank)::real
        FROM (
            SELECT m.ticket_id, ts_rank(m.search_tsv, p_query) AS rank
            FROM messages m WHERE m.tenant_id = p_tenant AND m.id = ANY (m_ids)
            UNION ALL
            SELECT t.id, ts_rank(t.search_tsv, p_query) * 2
            FROM tickets t WHERE t.tenant_id = p_tenant AND t.id = ANY (t_ids)
        ) h
        GROUP BY h.ticket_id
        ORDER BY max(h.rank) DESC, h.ticket_id DESC
        LIMIT p_limit;
END
$$;
