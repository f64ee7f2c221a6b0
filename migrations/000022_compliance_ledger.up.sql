-- Compliance before send (issue 13): one per-order ledger of feedback, review and survey requests
-- on every channel, the buyer's opt-out from proactive messages, and the workspace's extra link
-- domains a marketplace reply may carry.

-- Every request for feedback, a review or a survey answer about an order, whoever sent it: an
-- agent (manual), a template, an automation, or the marketplace itself (Amazon's "Request a
-- Review", recorded when Shopdesk schedules it). Compliance refuses a second one for an order,
-- and templates and surveys read the same rows.
CREATE TABLE order_requests (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    order_id     uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('feedback', 'review', 'survey')),
    channel      text        NOT NULL CHECK (channel IN ('email', 'amazon', 'ebay', 'walmart', 'tiktok', 'etsy', 'webshop', 'other')),
    ticket_id    bigint,
    message_id   bigint,
    source       text        NOT NULL CHECK (source IN ('manual', 'template', 'automation', 'marketplace')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE SET NULL (ticket_id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE SET NULL (message_id)
);
CREATE INDEX order_requests_order_idx ON order_requests (tenant_id, order_id, requested_at);
-- One message is one request, however often its send is retried.
CREATE UNIQUE INDEX order_requests_message_idx ON order_requests (tenant_id, message_id) WHERE message_id IS NOT NULL;

-- The buyer asked the marketplace for no proactive messages (Amazon's "Buyer Opt-out" notice):
-- when, and which notice said so (its Message-ID or commMgrTok).
ALTER TABLE customers
    ADD COLUMN opted_out_at   timestamptz,
    ADD COLUMN opt_out_notice text NOT NULL DEFAULT '';

-- Link domains the workspace's admins allow in marketplace replies, on top of each marketplace's
-- own and the carriers'. Every change is in audit_log.
CREATE TABLE compliance_allowed_domains (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    domain     text        NOT NULL CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
    added_by   uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, domain)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['order_requests', 'compliance_allowed_domains']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()))', t);
    END LOOP;
END $$;
