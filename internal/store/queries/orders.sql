-- name: OrderUpsert :one
-- One order per (marketplace, number) in a workspace: a fetch again updates it in place. A fetch
-- that does not know the buyer keeps the customer the order already has.
INSERT INTO orders (tenant_id, customer_id, marketplace, store, number, status, amount_minor, currency, ordered_at,
    source_account, fetched_at, expected_delivery_from, expected_delivery_to)
VALUES (@tenant_id, @customer_id, @marketplace, @store, @number, @status, @amount_minor, @currency, @ordered_at,
    @source_account, @fetched_at, @expected_delivery_from, @expected_delivery_to)
ON CONFLICT (tenant_id, marketplace, number) DO UPDATE SET
    customer_id = coalesce(EXCLUDED.customer_id, orders.customer_id),
    store = EXCLUDED.store, status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor,
    currency = EXCLUDED.currency, ordered_at = EXCLUDED.ordered_at, source_account = EXCLUDED.source_account,
    fetched_at = EXCLUDED.fetched_at, expected_delivery_from = EXCLUDED.expected_delivery_from,
    expected_delivery_to = EXCLUDED.expected_delivery_to, updated_at = now()
RETURNING *;

-- name: OrderLineUpsert :exec
INSERT INTO order_lines (tenant_id, order_id, position, title, sku, item_id, quantity, unit_price_minor, total_minor, currency)
VALUES (@tenant_id, @order_id, @position, @title, @sku, @item_id, @quantity, @unit_price_minor, @total_minor, @currency)
ON CONFLICT (tenant_id, order_id, position) DO UPDATE SET
    title = EXCLUDED.title, sku = EXCLUDED.sku, item_id = EXCLUDED.item_id, quantity = EXCLUDED.quantity,
    unit_price_minor = EXCLUDED.unit_price_minor, total_minor = EXCLUDED.total_minor, currency = EXCLUDED.currency;

-- name: OrderLinesTrim :exec
-- Lines the source no longer lists.
DELETE FROM order_lines WHERE tenant_id = @tenant_id AND order_id = @order_id AND position >= @keep::integer;

-- name: OrderShipmentUpsert :exec
INSERT INTO order_shipments (tenant_id, order_id, position, carrier, service, tracking_number, shipped_at, delivered_at)
VALUES (@tenant_id, @order_id, @position, @carrier, @service, @tracking_number, @shipped_at, @delivered_at)
ON CONFLICT (tenant_id, order_id, position) DO UPDATE SET
    carrier = EXCLUDED.carrier, service = EXCLUDED.service, tracking_number = EXCLUDED.tracking_number,
    shipped_at = EXCLUDED.shipped_at, delivered_at = EXCLUDED.delivered_at;

-- name: OrderShipmentsTrim :exec
DELETE FROM order_shipments WHERE tenant_id = @tenant_id AND order_id = @order_id AND position >= @keep::integer;

-- name: OrderGet :one
SELECT * FROM orders WHERE tenant_id = @tenant_id AND id = @id;

-- name: OrdersByNumber :many
-- The workspace's orders with this number: one per marketplace at most.
SELECT * FROM orders WHERE tenant_id = @tenant_id AND number = @number ORDER BY marketplace LIMIT 20;

-- name: OrderLinesOf :many
SELECT * FROM order_lines WHERE tenant_id = @tenant_id AND order_id = @order_id ORDER BY position;

-- name: OrderShipmentsOf :many
SELECT * FROM order_shipments WHERE tenant_id = @tenant_id AND order_id = @order_id ORDER BY position;

-- name: TicketSetOrder :exec
UPDATE tickets SET order_id = sqlc.narg(order_id), updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketOrderID :one
SELECT order_id FROM tickets WHERE tenant_id = @tenant_id AND id = @id;

-- name: OrdersOfTicket :many
-- The ticket's linked order first, then its customer's orders, latest first.
SELECT o.*, coalesce(o.id = t.order_id, false)::boolean AS linked
FROM tickets t
JOIN orders o ON o.tenant_id = t.tenant_id AND (o.id = t.order_id OR o.customer_id = t.customer_id)
WHERE t.tenant_id = @tenant_id AND t.id = @ticket_id
ORDER BY coalesce(o.id = t.order_id, false) DESC, o.ordered_at DESC, o.id
LIMIT 20;

-- name: OrderLinesOfTicket :many
-- The lines of OrdersOfTicket's orders (same choice of orders, so one round trip reads both).
SELECT l.* FROM order_lines l
WHERE l.tenant_id = @tenant_id AND l.order_id IN (
    SELECT o.id FROM tickets t
    JOIN orders o ON o.tenant_id = t.tenant_id AND (o.id = t.order_id OR o.customer_id = t.customer_id)
    WHERE t.tenant_id = @tenant_id AND t.id = @ticket_id
    ORDER BY coalesce(o.id = t.order_id, false) DESC, o.ordered_at DESC, o.id
    LIMIT 20)
ORDER BY l.order_id, l.position
LIMIT 1000;

-- name: OrderShipmentsOfTicket :many
SELECT s.* FROM order_shipments s
WHERE s.tenant_id = @tenant_id AND s.order_id IN (
    SELECT o.id FROM tickets t
    JOIN orders o ON o.tenant_id = t.tenant_id AND (o.id = t.order_id OR o.customer_id = t.customer_id)
    WHERE t.tenant_id = @tenant_id AND t.id = @ticket_id
    ORDER BY coalesce(o.id = t.order_id, false) DESC, o.ordered_at DESC, o.id
    LIMIT 20)
ORDER BY s.order_id, s.position
LIMIT 500;
