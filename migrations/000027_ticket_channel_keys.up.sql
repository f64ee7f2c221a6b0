-- Marketplace relay mail is not threaded by headers (Amazon sends every buyer message as a new
-- mail): a ticket is found by its channel key instead — the buyer's alias plus the order, a
-- pre-sale question's alias plus the ASIN, a Walmart case number. One key names one ticket (the
-- newest it opened); a pre-sale key moves to a new ticket once its ticket is closed.
CREATE TABLE ticket_channel_keys (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel_key text        NOT NULL,
    ticket_id   bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, channel_key),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_channel_keys_ticket_idx ON ticket_channel_keys (tenant_id, ticket_id);

ALTER TABLE ticket_channel_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_channel_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ticket_channel_keys
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
