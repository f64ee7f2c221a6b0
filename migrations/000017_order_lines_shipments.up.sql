-- Orders as the marketplaces report them: lines (what was bought), shipments (who carries it,
-- with which tracking number), expected delivery, which connected account the order came from and
-- when it was last fetched. A ticket can be linked to one order by an agent.

ALTER TABLE orders
    ADD COLUMN source_account         text        NOT NULL DEFAULT '',
    ADD COLUMN fetched_at             timestamptz,
    ADD COLUMN expected_delivery_from timestamptz,
    ADD COLUMN expected_delivery_to   timestamptz,
    ADD COLUMN updated_at             timestamptz NOT NULL DEFAULT now();

CREATE TABLE order_lines (
    tenant_id        uuid    NOT NULL,
    id               uuid    NOT NULL DEFAULT gen_random_uuid(),
    order_id         uuid    NOT NULL,
    -- The line's place in the order as the source lists it; an update rewrites lines by position.
    position         integer NOT NULL CHECK (position >= 0),
    title            text    NOT NULL DEFAULT '',
    sku              text    NOT NULL DEFAULT '',
    -- The marketplace's own item id: an ASIN, an eBay item number, a listing id.
    item_id          text    NOT NULL DEFAULT '',
    quantity         integer NOT NULL DEFAULT 1 CHECK (quantity >= 0),
    unit_price_minor bigint  NOT NULL DEFAULT 0,
    total_minor      bigint  NOT NULL DEFAULT 0,
    currency         text    NOT NULL DEFAULT 'EUR',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, order_id, position),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE order_shipments (
    tenant_id       uuid        NOT NULL,
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    order_id        uuid        NOT NULL,
    position        integer     NOT NULL CHECK (position >= 0),
    -- A carrier code of the known table (package conversation, carriers.go) when recognised, else
    -- the name as the source gave it; the tracking link is built from the code, never stored.
    carrier         text        NOT NULL DEFAULT '',
    service         text        NOT NULL DEFAULT '',
    tracking_number text        NOT NULL DEFAULT '',
    shipped_at      timestamptz,
    delivered_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, order_id, position),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE tickets ADD COLUMN order_id uuid,
    ADD FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE SET NULL (order_id);
CREATE INDEX tickets_order_idx ON tickets (tenant_id, order_id) WHERE order_id IS NOT NULL;

ALTER TABLE order_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_lines USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
ALTER TABLE order_shipments ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_shipments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_shipments USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));

-- Existing orders: each item of the items array becomes a line (a bare string is a title), and a
-- tracking number or a shipped/delivered date becomes the order's one shipment. The old free-form
-- tracking_url is read only for its carrier: links are built from the carrier now.
INSERT INTO order_lines (tenant_id, order_id, position, title, sku, item_id, quantity, unit_price_minor, total_minor, currency)
SELECT o.tenant_id, o.id, (i.n - 1)::integer,
    left(CASE jsonb_typeof(i.item) WHEN 'string' THEN i.item #>> '{}' WHEN 'object' THEN coalesce(i.item ->> 'title', i.item ->> 'name', '') ELSE '' END, 500),
    left(CASE WHEN jsonb_typeof(i.item) = 'object' THEN coalesce(i.item ->> 'sku', '') ELSE '' END, 200),
    left(CASE WHEN jsonb_typeof(i.item) = 'object' THEN coalesce(i.item ->> 'asin', i.item ->> 'item_id', '') ELSE '' END, 200),
    CASE WHEN jsonb_typeof(i.item) = 'object' AND (i.item ->> 'quantity') ~ '^[0-9]{1,6}$' THEN (i.item ->> 'quantity')::integer ELSE 1 END,
    CASE WHEN jsonb_typeof(i.item) = 'object' AND (i.item ->> 'price_minor') ~ '^-?[0-9]{1,15}$' THEN (i.item ->> 'price_minor')::bigint ELSE 0 END,
    CASE WHEN jsonb_typeof(i.item) = 'object' AND (i.item ->> 'price_minor') ~ '^-?[0-9]{1,15}$' AND (i.item ->> 'quantity') ~ '^[0-9]{1,6}$'
        THEN (i.item ->> 'price_minor')::bigint * (i.item ->> 'quantity')::integer
        WHEN jsonb_typeof(i.item) = 'object' AND (i.item ->> 'price_minor') ~ '^-?[0-9]{1,15}$' THEN (i.item ->> 'price_minor')::bigint
        ELSE 0 END,
    o.currency
FROM orders o
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(o.items) = 'array' THEN o.items ELSE '[]'::jsonb END) WITH ORDINALITY AS i (item, n);

INSERT INTO order_shipments (tenant_id, order_id, position, carrier, tracking_number, shipped_at, delivered_at)
SELECT o.tenant_id, o.id, 0,
    CASE
        WHEN o.tracking_url ~* '^https?://([a-z0-9-]+\.)*ups\.com(/|$)' THEN 'ups'
        WHEN o.tracking_url ~* '^https?://([a-z0-9-]+\.)*usps\.com(/|$)' THEN 'usps'
        WHEN o.tracking_url ~* '^https?://([a-z0-9-]+\.)*fedex\.com(/|$)' THEN 'fedex'
        WHEN o.tracking_url ~* '^https?://([a-z0-9-]+\.)*dhl\.[a-z.]+(/|$)' THEN 'dhl'
        WHEN o.tracking_url ~* '^https?://([a-z0-9-]+\.)*royalmail\.com(/|$)' THEN 'royal_mail'
        WHEN o.tracking_url ~* '^https?://([a-z0-9-]+\.)*evri\.com(/|$)' THEN 'evri'
        ELSE '' END,
    o.tracking_number, o.shipped_at, o.delivered_at
FROM orders o
WHERE o.tracking_number <> '' OR o.shipped_at IS NOT NULL OR o.delivered_at IS NOT NULL;

ALTER TABLE orders DROP COLUMN items, DROP COLUMN tracking_number, DROP COLUMN tracking_url,
    DROP COLUMN shipped_at, DROP COLUMN delivered_at;
