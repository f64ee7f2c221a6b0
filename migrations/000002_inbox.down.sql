DROP VIEW IF EXISTS message_rows, ticket_rows;
DROP TABLE IF EXISTS notifications, ticket_merges, ticket_reads, ticket_events, attachments, blobs, messages,
    tickets, ticket_counters, orders, customer_identities, customer_emails, customers, team_members, teams;
