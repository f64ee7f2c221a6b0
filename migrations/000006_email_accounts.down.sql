DROP FUNCTION IF EXISTS email_accounts_to_sync();
ALTER TABLE messages DROP COLUMN IF EXISTS delivery_started_at;
ALTER TABLE tickets DROP COLUMN IF EXISTS email_account_id;
ALTER TABLE inbound_messages DROP COLUMN IF EXISTS account_id;
DROP TABLE IF EXISTS email_cursors;
DROP TABLE IF EXISTS email_accounts;
