DROP INDEX IF EXISTS inbound_messages_marketplace_account_idx;
ALTER TABLE inbound_messages DROP CONSTRAINT IF EXISTS inbound_messages_marketplace_account_fkey;
ALTER TABLE inbound_messages DROP COLUMN IF EXISTS marketplace_account_id;
DROP TABLE IF EXISTS marketplace_accounts;
