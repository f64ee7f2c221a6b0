DROP INDEX tickets_search_idx;
DROP INDEX messages_search_idx;
UPDATE tickets SET search_tsv = array_to_tsvector(coalesce((SELECT array_agg(DISTINCT substr(t, 14)) FROM unnest(tsvector_to_array(search_tsv)) t), '{}'))
    WHERE search_tsv <> ''::tsvector;
UPDATE messages SET search_tsv = array_to_tsvector(coalesce((SELECT array_agg(DISTINCT substr(t, 14)) FROM unnest(tsvector_to_array(search_tsv)) t), '{}'))
    WHERE search_tsv <> ''::tsvector;
CREATE INDEX tickets_search_idx ON tickets USING gin (tenant_id, search_tsv);
CREATE INDEX messages_search_idx ON messages USING gin (tenant_id, search_tsv);
DROP FUNCTION search_vector(uuid, text[]);
