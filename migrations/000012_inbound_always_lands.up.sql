-- Inbound mail that always ends somewhere (issue 11).

-- 1. The search lexicon without waits. Its primary key made every writer of a word new to the
-- workspace wait for any other uncommitted writer of the same word; a ticket's subject words and
-- its message's words are two statements, so two mails processed at once could each hold a word
-- the other was about to write: a deadlock (40P01, 11 in a burst of 150 mails). A plain index never
-- makes an insert wait. Two transactions adding the same new word at once may both list it; the
-- search reads the lexicon with DISTINCT, so a repeated word changes nothing it finds. The table
-- stays keyed (tenant_id, id) like every tenant table, on a surrogate id no writer competes for.
ALTER TABLE search_lexicon DROP CONSTRAINT search_lexicon_pkey;
ALTER TABLE search_lexicon ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE search_lexicon ADD PRIMARY KEY (tenant_id, id);
CREATE INDEX search_lexicon_term_idx ON search_lexicon (tenant_id, term);

CREATE OR REPLACE FUNCTION search_lexicon_from_inserted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO search_lexicon (tenant_id, term)
    SELECT DISTINCT n.tenant_id, w.term
    FROM new_rows n, unnest(tsvector_to_array(n.search_tsv)) AS w(term)
    WHERE lexicon_word(w.term)
      AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.tenant_id = n.tenant_id AND l.term = w.term);
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
      AND NOT EXISTS (SELECT 1 FROM search_lexicon l WHERE l.tenant_id = n.tenant_id AND l.term = w.term);
    RETURN NULL;
END
$$;

-- search_tickets as of 000010, reading each lexicon word once.
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
                SELECT DISTINCT x.term FROM search_lexicon x
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

-- 2. Quarantine notices: a quarantined message is told to the workspace's admins once, in one mail
-- per burst; notified_at marks the ones already told.
ALTER TABLE inbound_messages ADD COLUMN notified_at timestamptz;
CREATE INDEX inbound_messages_pending_idx ON inbound_messages (tenant_id, received_at) WHERE state = 'pending';

-- 3. A mailbox whose sync keeps failing waits longer each time (capped) instead of failing every
-- minute: how many times in a row it failed, and when the next attempt is due.
ALTER TABLE email_accounts ADD COLUMN sync_failures integer NOT NULL DEFAULT 0;
ALTER TABLE email_accounts ADD COLUMN next_sync_at timestamptz;

-- 4. Work that runs once per database (the recovery of mail lost by the old duplicate rules):
-- the row is written in the transaction that queues the work, so it is queued exactly once.
CREATE TABLE one_time_tasks (
    name      text PRIMARY KEY,
    queued_at timestamptz NOT NULL DEFAULT now()
);
