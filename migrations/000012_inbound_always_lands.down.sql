DROP TABLE one_time_tasks;
ALTER TABLE email_accounts DROP COLUMN next_sync_at;
ALTER TABLE email_accounts DROP COLUMN sync_failures;
DROP INDEX inbound_messages_pending_idx;
ALTER TABLE inbound_messages DROP COLUMN notified_at;

-- search_tickets and the lexicon triggers as of 000010.
CREATE OR REPLACE FUNCTION search_tickets(p_tenant uuid, p_query tsquery, p_candidates integer, p_limit integer)
    RETURNS TABLE (ticket_id bigint, rank real)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    ROWS 50
    SET search_path = public, pg_temp
    SET enable_seqscan = off
    SET jit = off
    SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    m_ids bigint[];
    t_ids bigint[];
    m_window integer := p_candidates * 100;
    v_index text := p_query::text;
    v_prefix text;
    v_words text[];
    v_index_query tsquery;
BEGIN
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM app_tenant_id() THEN
        RAISE EXCEPTION 'search_tickets: workspace % is not the workspace pinned in this transaction', p_tenant
            USING ERRCODE = '42501';
    END IF;

    SELECT array_agg(w.id) INTO m_ids FROM (
        SELECT n.id FROM (
            SELECT m.id, m.search_tsv FROM messages m
            WHERE m.tenant_id = p_tenant ORDER BY m.id DESC LIMIT m_window) n
        WHERE n.search_tsv @@ p_query LIMIT p_candidates) w;
    SELECT array_agg(w.id) INTO t_ids FROM (
        SELECT n.id FROM (
            SELECT t.id, t.search_tsv, t.merged_into FROM tickets t
            WHERE t.tenant_id = p_tenant ORDER BY t.id DESC LIMIT m_window) n
        WHERE n.search_tsv @@ p_query AND n.merged_into IS NULL LIMIT p_candidates) w;

    IF coalesce(cardinality(m_ids), 0) < p_candidates OR coalesce(cardinality(t_ids), 0) < p_candidates THEN
        FOR v_prefix IN SELECT DISTINCT (regexp_matches(p_query::text, '''([0-9a-f]{12}\.[a-z]+)'':\*', 'g'))[1] LOOP
            SELECT array_agg(l.term ORDER BY l.term) INTO v_words FROM (
                SELECT x.term FROM search_lexicon x
                WHERE x.tenant_id = p_tenant AND x.term LIKE v_prefix || '%' ORDER BY x.term LIMIT 17) l;
            IF coalesce(cardinality(v_words), 0) <= 16 THEN
                v_index := replace(v_index, quote_literal(v_prefix) || ':*',
                    CASE WHEN v_words IS NULL THEN quote_literal(v_prefix)
                         ELSE '( ' || (SELECT string_agg(quote_literal(w), ' | ') FROM unnest(v_words) w) || ' )' END);
            END IF;
        END LOOP;
        v_index_query := v_index::tsquery;
    END IF;

    IF coalesce(cardinality(m_ids), 0) < p_candidates THEN
        EXECUTE $q$
            WITH g AS MATERIALIZED (SELECT m.tenant_id, m.id FROM messages m WHERE m.search_tsv @@ $2)
            SELECT array_agg(x.id) FROM (
                SELECT g.id FROM g WHERE g.tenant_id = $1 ORDER BY g.id DESC LIMIT $3) x $q$
        INTO m_ids USING p_tenant, v_index_query, p_candidates;
    END IF;
    IF coalesce(cardinality(t_ids), 0) < p_candidates THEN
        EXECUTE $q$
            WITH g AS MATERIALIZED (SELECT t.tenant_id, t.id, t.merged_into FROM tickets t WHERE t.search_tsv @@ $2)
            SELECT array_agg(x.id) FROM (
                SELECT g.id FROM g WHERE g.tenant_id = $1 AND g.merged_into IS NULL ORDER BY g.id DESC LIMIT $3) x $q$
        INTO t_ids USING p_tenant, v_index_query, p_candidates;
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

CREATE OR REPLACE FUNCTION search_lexicon_from_inserted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO search_lexicon (tenant_id, term)
    SELECT DISTINCT n.tenant_id, w.term
    FROM new_rows n, unnest(tsvector_to_array(n.search_tsv)) AS w(term)
    WHERE lexicon_word(w.term)
      AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.tenant_id = n.tenant_id AND l.term = w.term)
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION search_lexicon_from_updated() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO search_lexicon (tenant_id, term)
    SELECT DISTINCT n.tenant_id, w.term
    FROM new_rows n
    JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id AND o.search_tsv IS DISTINCT FROM n.search_tsv,
         unnest(tsvector_to_array(n.search_tsv)) AS w(term)
    WHERE lexicon_word(w.term)
      AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.tenant_id = n.tenant_id AND l.term = w.term)
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

-- Words listed twice meanwhile are listed once again before the key returns.
DELETE FROM search_lexicon a USING search_lexicon b
WHERE a.tenant_id = b.tenant_id AND a.term = b.term AND a.ctid > b.ctid;
DELETE FROM search_lexicon a USING search_lexicon b
WHERE a.tenant_id = b.tenant_id AND a.term = b.term AND a.id > b.id;
DROP INDEX search_lexicon_term_idx;
ALTER TABLE search_lexicon DROP CONSTRAINT search_lexicon_pkey;
ALTER TABLE search_lexicon DROP COLUMN id;
ALTER TABLE search_lexicon ADD PRIMARY KEY (tenant_id, term);
