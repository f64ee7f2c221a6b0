-- name: OrderRequestAdd :one
-- A message already recorded (a retried send) adds nothing.
INSERT INTO order_requests (tenant_id, order_id, kind, channel, ticket_id, message_id, source, requested_at)
VALUES (@tenant_id, @order_id, @kind, @channel, sqlc.narg(ticket_id), sqlc.narg(message_id), @source, @requested_at)
ON CONFLICT (tenant_id, message_id) WHERE message_id IS NOT NULL DO NOTHING
RETURNING id;

-- name: OrderRequestsOf :many
SELECT * FROM order_requests
WHERE tenant_id = @tenant_id AND order_id = @order_id
ORDER BY requested_at, id
LIMIT 100;

-- name: OrderRequestCount :one
SELECT count(*) FROM order_requests WHERE tenant_id = @tenant_id AND order_id = @order_id;

-- name: CustomerOptOut :exec
-- The first notice is the one kept: a repeat changes nothing.
UPDATE customers SET opted_out_at = coalesce(opted_out_at, @at), opt_out_notice = CASE WHEN opted_out_at IS NULL THEN @notice ELSE opt_out_notice END,
    updated_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: CustomerOptOutGet :one
SELECT opted_out_at, opt_out_notice FROM customers WHERE tenant_id = @tenant_id AND id = @id;

-- name: AllowedDomains :many
SELECT * FROM compliance_allowed_domains WHERE tenant_id = @tenant_id ORDER BY domain LIMIT 500;

-- name: AllowedDomainAdd :one
INSERT INTO compliance_allowed_domains (tenant_id, domain, added_by)
VALUES (@tenant_id, @domain, sqlc.narg(added_by))
ON CONFLICT (tenant_id, domain) DO NOTHING
RETURNING id;

-- name: AllowedDomainRemove :one
DELETE FROM compliance_allowed_domains WHERE tenant_id = @tenant_id AND id = @id RETURNING domain;

-- name: ComplianceTicket :one
-- What a compliance check needs of a ticket: its channel, subject, language, order and buyer.
SELECT t.id, t.channel, t.subject, t.language, t.order_id, coalesce(o.number, '')::text AS order_number,
    c.opted_out_at, coalesce((SELECT count(*) FROM order_requests r WHERE r.tenant_id = t.tenant_id AND r.order_id = t.order_id), 0)::int AS prior_requests
FROM tickets t
LEFT JOIN orders o ON o.tenant_id = t.tenant_id AND o.id = t.order_id
LEFT JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
WHERE t.tenant_id = @tenant_id AND t.number = @number;
