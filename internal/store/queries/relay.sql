-- name: TicketByChannelKey :one
-- The ticket a marketplace channel key names (alias + order, alias + ASIN, a Walmart case).
SELECT t.id, t.number, t.status, t.presale FROM ticket_channel_keys k
JOIN tickets t ON t.tenant_id = k.tenant_id AND t.id = k.ticket_id
WHERE k.tenant_id = @tenant_id AND k.channel_key = @channel_key;

-- name: ChannelKeySet :exec
-- The key names the ticket it last opened (a pre-sale key moves on once its ticket is closed).
INSERT INTO ticket_channel_keys (tenant_id, channel_key, ticket_id) VALUES (@tenant_id, @channel_key, @ticket_id)
ON CONFLICT (tenant_id, channel_key) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, created_at = now();

-- name: OrderNoteFromMessage :one
-- An order a marketplace message names. It never overwrites what a fetch from the marketplace
-- stored: only a missing buyer or store is filled in.
INSERT INTO orders (tenant_id, customer_id, marketplace, store, number, source_account)
VALUES (@tenant_id, @customer_id, @marketplace, @store, @number, @source_account)
ON CONFLICT (tenant_id, marketplace, number) DO UPDATE SET
    customer_id = coalesce(orders.customer_id, EXCLUDED.customer_id),
    store = CASE WHEN orders.store = '' THEN EXCLUDED.store ELSE orders.store END
RETURNING id;

-- name: OrderLineFromMessage :exec
-- The item a marketplace message names, unless the order lists lines already.
INSERT INTO order_lines (tenant_id, order_id, position, title, item_id, quantity)
SELECT @tenant_id, @order_id, 0, @title, @item_id, 1
WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.tenant_id = @tenant_id AND l.order_id = @order_id);

-- name: TicketByOrderNumber :one
-- The newest ticket linked to an order of this number on a marketplace channel: where Amazon's
-- notices without a buyer alias (copies of replies, claims, returns, feedback) belong.
SELECT t.id, t.number FROM tickets t
JOIN orders o ON o.tenant_id = t.tenant_id AND o.id = t.order_id
WHERE t.tenant_id = @tenant_id AND o.number = @number AND t.channel = @channel AND t.merged_into IS NULL
ORDER BY t.created_at DESC LIMIT 1;

-- name: TicketReplyAddress :one
-- Where a marketplace ticket's reply goes: the exact relay address (its +suffix included) of the
-- buyer's newest message, not the customer's first-seen address.
SELECT from_address FROM messages
WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND kind = 'inbound' AND NOT automated AND from_address <> ''
ORDER BY created_at DESC, id DESC LIMIT 1;
