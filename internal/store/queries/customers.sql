-- name: CustomerCreate :one
INSERT INTO customers (tenant_id, name, language) VALUES (@tenant_id, @name, @language) RETURNING *;

-- name: CustomerGet :one
SELECT * FROM customers WHERE tenant_id = @tenant_id AND id = @id;

-- name: CustomerByEmail :one
SELECT c.* FROM customer_emails e JOIN customers c ON c.tenant_id = e.tenant_id AND c.id = e.customer_id
WHERE e.tenant_id = @tenant_id AND e.email = @email;

-- name: CustomerByIdentity :one
SELECT c.* FROM customer_identities i JOIN customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
WHERE i.tenant_id = @tenant_id AND i.channel = @channel AND i.external_id = @external_id;

-- name: CustomerAddEmail :execrows
INSERT INTO customer_emails (tenant_id, email, customer_id) VALUES (@tenant_id, @email, @customer_id)
ON CONFLICT DO NOTHING;

-- name: CustomerDeleteUnused :exec
-- A customer created a moment ago that lost the race for its address to another one.
DELETE FROM customers WHERE tenant_id = @tenant_id AND id = @id;

-- name: CustomerAddIdentity :exec
INSERT INTO customer_identities (tenant_id, channel, external_id, customer_id, display)
VALUES (@tenant_id, @channel, @external_id, @customer_id, @display)
ON CONFLICT DO NOTHING;

-- name: CustomerEmails :many
SELECT email FROM customer_emails WHERE tenant_id = @tenant_id AND customer_id = @customer_id ORDER BY email;

-- name: CustomerIdentities :many
SELECT * FROM customer_identities WHERE tenant_id = @tenant_id AND customer_id = @customer_id ORDER BY channel, external_id;

-- name: CustomerOrders :many
SELECT * FROM orders WHERE tenant_id = @tenant_id AND customer_id = @customer_id ORDER BY ordered_at DESC, id LIMIT 20;
