-- Back to one items array and one tracking number per order. Lines become items with their title,
-- SKU, item id, quantity and unit price; the first shipment gives the tracking number and the
-- earliest shipped and latest delivered dates. tracking_url stays empty: links were built from the
-- carrier, and the old column held only links a source gave.
ALTER TABLE orders
    ADD COLUMN items           jsonb       NOT NULL DEFAULT '[]',
    ADD COLUMN shipped_at      timestamptz,
    ADD COLUMN delivered_at    timestamptz,
    ADD COLUMN tracking_number text        NOT NULL DEFAULT '',
    ADD COLUMN tracking_url    text        NOT NULL DEFAULT '';

UPDATE orders o SET items = l.items
FROM (
    SELECT tenant_id, order_id,
        jsonb_agg(jsonb_build_object('title', title, 'sku', sku, 'asin', item_id, 'quantity', quantity, 'price_minor', unit_price_minor)
            ORDER BY position) AS items
    FROM order_lines GROUP BY tenant_id, order_id
) l
WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id;

UPDATE orders o SET tracking_number = coalesce(s.tracking_number, ''), shipped_at = s.shipped_at, delivered_at = s.delivered_at
FROM (
    SELECT tenant_id, order_id,
        (array_agg(tracking_number ORDER BY position) FILTER (WHERE tracking_number <> ''))[1] AS tracking_number,
        min(shipped_at) AS shipped_at, max(delivered_at) AS delivered_at
    FROM order_shipments GROUP BY tenant_id, order_id
) s
WHERE s.tenant_id = o.tenant_id AND s.order_id = o.id;

DROP INDEX tickets_order_idx;
ALTER TABLE tickets DROP COLUMN order_id;
DROP TABLE order_shipments;
DROP TABLE order_lines;
ALTER TABLE orders DROP COLUMN source_account, DROP COLUMN fetched_at, DROP COLUMN expected_delivery_from,
    DROP COLUMN expected_delivery_to, DROP COLUMN updated_at;
