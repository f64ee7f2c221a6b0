-- What a reply's delivery went through beyond its state: the retries of a transient failure (the
-- retry window counts from the first one), a late bounce, what the reply asked of the ticket
-- ("Send and resolve" is taken back when the reply fails) and the reply that superseded a failed
-- one ("Edit and resend"). One row per outbound reply, written by the send path only.
CREATE TABLE message_deliveries (
    tenant_id     uuid        NOT NULL,
    message_id    bigint      NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    retry_since   timestamptz,
    next_at       timestamptz,
    failed_at     timestamptz,
    bounced       boolean     NOT NULL DEFAULT false,
    then_status   text        NOT NULL DEFAULT '',
    superseded_by bigint,
    -- what took the reply when it was not the channel: 'dev_mail_sink' in development
    via           text        NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, message_id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE message_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON message_deliveries USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
