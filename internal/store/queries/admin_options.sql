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
