DROP FUNCTION IF EXISTS email_accounts_to_sync();
DROP VIEW IF EXISTS message_rows, ticket_rows;
CREATE VIEW ticket_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, number, channel, marketplace, store, subject, customer_id, status, priority,
           assignee_id, team_id, tags, category, language, presale, snoozed_until, sla_due_at, sla_state,
           created_at, updated_at, last_message_at, last_customer_at, first_reply_at, resolved_at,
           message_count, snippet, merged_into
    FROM tickets;
CREATE VIEW message_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, ticket_id, kind, author_user_id, author_customer_id, from_address, body_text,
           body_html, channel_message_id, automated, delivery_state, delivery_error, sent_at, created_at
    FROM messages;
ALTER TABLE messages DROP COLUMN IF EXISTS delivery_started_at;
ALTER TABLE tickets DROP COLUMN IF EXISTS email_account_id;
ALTER TABLE inbound_messages DROP COLUMN IF EXISTS account_id;
DROP TABLE IF EXISTS email_cursors;
DROP TABLE IF EXISTS email_accounts;
