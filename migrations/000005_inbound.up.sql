-- Raw inbound mail, kept before anything is parsed, so nothing is ever lost: a message that cannot
-- be processed stays here quarantined with the reason, shown on the health page with retry and
-- download. The same bytes arriving twice (an IMAP re-sync, a retried delivery) are one row.
CREATE TABLE inbound_messages (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    source       text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    raw_sha256   bytea       NOT NULL,
    raw          bytea       NOT NULL,
    state        text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processed', 'duplicate', 'quarantined')),
    error        text        NOT NULL DEFAULT '',
    message_id   text        NOT NULL DEFAULT '',
    ticket_id    bigint,
    processed_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT inbound_messages_raw_key UNIQUE (tenant_id, raw_sha256),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE SET NULL (ticket_id)
);
CREATE INDEX inbound_messages_quarantine_idx ON inbound_messages (tenant_id, received_at DESC) WHERE state = 'quarantined';

ALTER TABLE inbound_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE inbound_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON inbound_messages
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
