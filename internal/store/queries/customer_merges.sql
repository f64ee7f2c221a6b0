-- name: MessageAuthorsOfTicket :many
-- The customers who wrote a ticket's messages (a merged thread can have several).
SELECT c.id, c.name FROM customers c
WHERE c.tenant_id = @tenant_id AND c.id IN (
    SELECT m.author_customer_id FROM messages m
    WHERE m.tenant_id = @tenant_id AND m.ticket_id = @ticket_id AND m.author_customer_id IS NOT NULL);

-- name: CustomerSearch :many
-- Customers not merged away whose name or an address starts with the pattern (already lower case,
-- LIKE-escaped, ending in %).
SELECT c.id, c.name,
    coalesce((SELECT min(e.email) FROM customer_emails e WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.id), '')::text AS email
FROM customers c
WHERE c.tenant_id = @tenant_id AND c.merged_into IS NULL AND c.id <> @except_id
  AND (lower(c.name) LIKE @pattern OR c.id IN (
      SELECT e.customer_id FROM customer_emails e WHERE e.tenant_id = @tenant_id AND e.email LIKE @pattern))
ORDER BY lower(c.name), c.id
LIMIT 20;

-- name: CustomerTickets :many
SELECT id, number, subject, status, channel, created_at FROM tickets
WHERE tenant_id = @tenant_id AND customer_id = @customer_id AND merged_into IS NULL
ORDER BY created_at DESC, id DESC LIMIT 100;

-- name: CustomersForUpdate :many
SELECT * FROM customers WHERE tenant_id = @tenant_id AND id = ANY(@ids::uuid[]) ORDER BY id FOR UPDATE;

-- name: CustomerTicketIDs :many
SELECT id FROM tickets WHERE tenant_id = @tenant_id AND customer_id = @customer_id ORDER BY id;

-- name: CustomerOrderIDs :many
SELECT id FROM orders WHERE tenant_id = @tenant_id AND customer_id = @customer_id ORDER BY id;

-- name: TicketsReassignCustomer :exec
UPDATE tickets SET customer_id = @to_customer, updated_at = now()
WHERE tenant_id = @tenant_id AND customer_id = @from_customer AND id = ANY(@ids::bigint[]);

-- name: OrdersReassignCustomer :exec
UPDATE orders SET customer_id = @to_customer
WHERE tenant_id = @tenant_id AND customer_id = @from_customer AND id = ANY(@ids::uuid[]);

-- name: CustomerEmailsReassign :exec
UPDATE customer_emails SET customer_id = @to_customer
WHERE tenant_id = @tenant_id AND customer_id = @from_customer AND email = ANY(@emails::text[]);

-- name: CustomerIdentitiesReassign :exec
UPDATE customer_identities SET customer_id = @to_customer
WHERE tenant_id = @tenant_id AND customer_id = @from_customer AND (channel || chr(31) || external_id) = ANY(@keys::text[]);

-- name: CustomerSetMergedInto :exec
UPDATE customers SET merged_into = @merged_into, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: CustomerMergeCreate :one
INSERT INTO customer_merges (tenant_id, source_id, target_id, emails, identities, ticket_ids, order_ids, merged_by)
VALUES (@tenant_id, @source_id, @target_id, @emails, @identities, @ticket_ids, @order_ids, @merged_by)
RETURNING *;

-- name: CustomerMergeGetForUpdate :one
SELECT * FROM customer_merges WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: CustomerMergeUndone :exec
UPDATE customer_merges SET undone_at = now(), undone_by = @undone_by WHERE tenant_id = @tenant_id AND id = @id;

-- name: CustomerMergesInto :many
-- Merges into this customer that can still be undone, newest first.
SELECT m.*, c.name AS source_name FROM customer_merges m
JOIN customers c ON c.tenant_id = m.tenant_id AND c.id = m.source_id
WHERE m.tenant_id = @tenant_id AND m.target_id = @target_id AND m.undone_at IS NULL
ORDER BY m.id DESC LIMIT 20;
