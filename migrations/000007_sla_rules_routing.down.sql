DROP VIEW ticket_rows;
CREATE VIEW ticket_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, number, channel, marketplace, store, subject, customer_id, status, priority,
           assignee_id, team_id, tags, category, language, presale, snoozed_until, sla_due_at, sla_state,
           created_at, updated_at, last_message_at, last_customer_at, first_reply_at, resolved_at,
           message_count, snippet, merged_into, email_account_id
    FROM tickets;
DROP VIEW message_rows;
CREATE VIEW message_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, ticket_id, kind, author_user_id, author_customer_id, from_address, body_text,
           body_html, channel_message_id, automated, delivery_state, delivery_error, sent_at, created_at,
           delivery_started_at
    FROM messages;
DROP INDEX IF EXISTS tickets_team_queue_idx;
DROP TABLE rules;
ALTER TABLE messages DROP COLUMN no_response;
DROP TABLE sla_records;
DROP TABLE ticket_slas;
ALTER TABLE tickets DROP COLUMN sla_policy_pinned, DROP COLUMN sla_policy_id;
DROP TABLE sla_policies;
ALTER TABLE memberships DROP COLUMN channels, DROP COLUMN availability;
ALTER TABLE team_members DROP COLUMN marketplaces, DROP COLUMN languages, DROP COLUMN capacity;
ALTER TABLE teams DROP COLUMN last_assigned, DROP COLUMN calendar_id, DROP COLUMN assignment, DROP COLUMN tier;
DROP TABLE calendars;
