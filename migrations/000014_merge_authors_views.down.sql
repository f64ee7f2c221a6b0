DROP INDEX tickets_closed_idx;
DROP INDEX tickets_resolved_idx;
CREATE INDEX tickets_resolved_idx ON tickets (tenant_id, resolved_at DESC, id DESC)
    WHERE status IN ('resolved', 'closed') AND merged_into IS NULL;
DROP INDEX tickets_snoozed_idx;
DROP INDEX tickets_pending_idx;
DROP INDEX customer_emails_prefix_idx;
DROP INDEX customers_name_idx;
DROP TABLE customer_merges;
ALTER TABLE customers DROP CONSTRAINT customers_merged_into_fkey;
ALTER TABLE customers DROP COLUMN merged_into;
ALTER TABLE messages DROP CONSTRAINT messages_inbound_author_check;
-- Authors and returned addresses stay: they are true, and the old code reads them as it did.
