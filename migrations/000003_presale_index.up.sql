-- Pre-sale is a sidebar view with a count: without its own partial index, both walk the open
-- index and visit the heap for every open ticket to find the pre-sale ones.
CREATE INDEX tickets_presale_idx ON tickets (tenant_id, sort_due, priority, created_at, id)
    WHERE status IN ('open', 'pending') AND merged_into IS NULL AND presale;
