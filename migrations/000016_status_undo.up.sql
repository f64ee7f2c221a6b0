-- A status change can be undone for a short while (the ticket page offers it for 10 seconds). The
-- row holds what the change replaced: the status and snooze time, and the ticket's SLA state
-- exactly as it was (the ticket's due time and state, every target row and every finished record),
-- so an undo puts all of it back rather than recomputing it from a moved clock.
CREATE TABLE status_undos (
    tenant_id      uuid        NOT NULL,
    id             bigint      GENERATED ALWAYS AS IDENTITY,
    ticket_id      bigint      NOT NULL,
    user_id        uuid        NOT NULL,
    from_status    text        NOT NULL,
    snoozed_until  timestamptz,
    resolved_at    timestamptz,
    sla_due_at     timestamptz,
    sla_state      text        NOT NULL,
    sla_policy_id  uuid,
    -- ticket_slas and sla_records rows of the ticket before the change, as JSON arrays of rows.
    slas           jsonb       NOT NULL,
    records        jsonb       NOT NULL,
    -- The change's own status event, and the newest event and message count right after the
    -- change: a later change of the ticket (anyone's) makes the undo refuse.
    event_id       bigint,
    last_event_id  bigint,
    message_count  integer,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    undone_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, event_id) REFERENCES ticket_events (tenant_id, id) ON DELETE CASCADE
);
-- The SLA status trail leaves out status events that were undone.
CREATE INDEX status_undos_event_idx ON status_undos (tenant_id, event_id) WHERE undone_at IS NOT NULL;
CREATE INDEX status_undos_ticket_idx ON status_undos (tenant_id, ticket_id);

ALTER TABLE status_undos ENABLE ROW LEVEL SECURITY;
ALTER TABLE status_undos FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON status_undos USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));
