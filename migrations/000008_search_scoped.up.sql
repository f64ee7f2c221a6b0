-- Search terms carry their workspace: every lexeme is prefixed with the first 12 hex digits of
-- the workspace id ("f3a4170d0b8e.refund"). The GIN indexes then hold one posting list per
-- workspace and word, so a search reads only its workspace's matches. Before, the indexes led with
-- tenant_id (btree_gin) and every search intersected the word's postings across all workspaces
-- with the workspace's own posting list — 827,000 entries in a workspace of a million messages —
-- and prefix terms turned that into lossy bitmaps that rechecked tens of thousands of rows.
-- tenant_id stays in every search's WHERE clause: a prefix shared by two workspaces (one chance
-- in 2^48 per pair) costs speed, never isolation.
CREATE FUNCTION search_vector(p_tenant uuid, p_terms text[]) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT array_to_tsvector(coalesce(
        (SELECT array_agg(DISTINCT left(replace(p_tenant::text, '-', ''), 12) || '.' || t)
         FROM unnest(p_terms) t WHERE t <> ''),
        '{}'))
$$;

-- The old indexes go first: rewriting every row under a GIN index costs far more than building
-- the new index once.
DROP INDEX tickets_search_idx;
DROP INDEX messages_search_idx;
UPDATE tickets SET search_tsv = search_vector(tenant_id, tsvector_to_array(search_tsv)) WHERE search_tsv <> ''::tsvector;
UPDATE messages SET search_tsv = search_vector(tenant_id, tsvector_to_array(search_tsv)) WHERE search_tsv <> ''::tsvector;
CREATE INDEX tickets_search_idx ON tickets USING gin (search_tsv);
CREATE INDEX messages_search_idx ON messages USING gin (search_tsv);
