-- name: WorkspaceMarketplaces :many
-- Marketplaces the workspace has met (tickets, orders, team skills): the choices admin forms offer.
SELECT DISTINCT x.m::text AS marketplace FROM (
    SELECT t.marketplace AS m FROM tickets t WHERE t.tenant_id = @tenant_id AND t.marketplace <> ''
    UNION
    SELECT o.marketplace AS m FROM orders o WHERE o.tenant_id = @tenant_id AND o.marketplace <> ''
    UNION
    SELECT unnest(tm.marketplaces) AS m FROM team_members tm WHERE tm.tenant_id = @tenant_id
) x
ORDER BY 1;

-- name: JobTicketNumbers :many
-- The numbers of tickets named by jobs (by ticket id), for the jobs page.
SELECT t.id, t.number FROM tickets t WHERE t.tenant_id = @tenant_id AND t.id = ANY (@ids::bigint[]);

-- name: JobMessageTickets :many
-- The ticket numbers of messages named by send jobs.
SELECT m.id, t.number FROM messages m
JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
WHERE m.tenant_id = @tenant_id AND m.id = ANY (@ids::bigint[]);

-- name: JobAccountAddresses :many
-- The addresses of mail accounts named by sync jobs.
SELECT a.id, a.address FROM email_accounts a WHERE a.tenant_id = @tenant_id AND a.id = ANY (@ids::bigint[]);

-- name: RecentTicketsForDryRun :many
-- The newest tickets a rule being edited is tried on.
SELECT t.id, t.number, t.subject FROM tickets t
WHERE t.tenant_id = @tenant_id AND t.merged_into IS NULL
ORDER BY t.created_at DESC, t.id DESC
LIMIT @max;
