-- Merges never mix customers (issue 11).
--
-- 1. Ticket merges used to move the source customer's addresses and identities to the target's
--    customer, so a buyer's eBay id showed on another buyer's card and the next reply to the
--    merged thread could go to both. Give them back to the customer they came from, oldest merge
--    first (a later merge wins, as it did when it ran). The merge records keep their snapshots;
--    undoing such a merge moves the keys to where they already are.
DO $$
DECLARE g record;
BEGIN
    FOR g IN SELECT tenant_id, source_before FROM ticket_merges WHERE undone_at IS NULL ORDER BY id LOOP
        UPDATE customer_emails SET customer_id = (g.source_before->>'customer_id')::uuid
        WHERE tenant_id = g.tenant_id
          AND email IN (SELECT jsonb_array_elements_text(coalesce(g.source_before->'emails', '[]'::jsonb)));
        UPDATE customer_identities SET customer_id = (g.source_before->>'customer_id')::uuid
        WHERE tenant_id = g.tenant_id
          AND (channel, external_id) IN (
              SELECT k->>0, k->>1 FROM jsonb_array_elements(coalesce(g.source_before->'identities', '[]'::jsonb)) k);
    END LOOP;
END $$;

-- 2. Every customer message names the customer who wrote it, for ever: merges, undo and later
--    mail never change it. Rows without one get the customer of the ticket they were written
--    on — the source of the earliest merge that moved them, else the ticket they are on.
UPDATE messages m SET author_customer_id = src.customer_id
FROM (
    SELECT DISTINCT ON (g.tenant_id, mid) g.tenant_id, mid, (g.source_before->>'customer_id')::uuid AS customer_id
    FROM ticket_merges g, unnest(g.message_ids) mid
    WHERE g.undone_at IS NULL
    ORDER BY g.tenant_id, mid, g.id
) src
WHERE m.kind = 'inbound' AND m.author_customer_id IS NULL AND m.tenant_id = src.tenant_id AND m.id = src.mid;

UPDATE messages m SET author_customer_id = t.customer_id
FROM tickets t
WHERE m.kind = 'inbound' AND m.author_customer_id IS NULL AND t.tenant_id = m.tenant_id AND t.id = m.ticket_id;

-- A customer's answer to a merged-away ticket was credited to the target's customer. The sender's
-- address says who wrote it when it is a known customer's (now that addresses are back home).
UPDATE messages m SET author_customer_id = e.customer_id
FROM customer_emails e
WHERE m.kind = 'inbound' AND m.from_address <> '' AND e.tenant_id = m.tenant_id AND e.email = lower(m.from_address)
  AND m.author_customer_id IS DISTINCT FROM e.customer_id;

ALTER TABLE messages ADD CONSTRAINT messages_inbound_author_check
    CHECK (kind <> 'inbound' OR author_customer_id IS NOT NULL);

-- 3. "Merge customers" is its own action: the merged-away customer stays as a row (its messages
--    keep naming it) and points at the customer it became part of; the record says exactly what
--    moved, so undo puts back those and nothing that came later.
ALTER TABLE customers ADD COLUMN merged_into uuid;
ALTER TABLE customers ADD CONSTRAINT customers_merged_into_fkey
    FOREIGN KEY (tenant_id, merged_into) REFERENCES customers (tenant_id, id);

CREATE TABLE customer_merges (
    tenant_id    uuid        NOT NULL,
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    source_id    uuid        NOT NULL,
    target_id    uuid        NOT NULL,
    emails       text[]      NOT NULL,
    identities   text[]      NOT NULL, -- channel, unit separator (chr 31), external id
    ticket_ids   bigint[]    NOT NULL,
    order_ids    uuid[]      NOT NULL,
    merged_by    uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    undone_by    uuid,
    undone_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, target_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_merges_target_idx ON customer_merges (tenant_id, target_id, id DESC) WHERE undone_at IS NULL;
CREATE INDEX customer_merges_source_idx ON customer_merges (tenant_id, source_id, id DESC) WHERE undone_at IS NULL;
ALTER TABLE customer_merges ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_merges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_merges USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()));

-- The customer picker searches names and addresses of customers not merged away.
CREATE INDEX customers_name_idx ON customers (tenant_id, lower(name) text_pattern_ops) WHERE merged_into IS NULL;
CREATE INDEX customer_emails_prefix_idx ON customer_emails (tenant_id, email text_pattern_ops);

-- 4. Views that find every ticket: Pending, Snoozed and Closed, each with a partial index whose
--    key is the list's order. Resolved and Closed become separate views (Resolved used to show
--    both), so each status has a place.
CREATE INDEX tickets_pending_idx ON tickets (tenant_id, sort_due, priority, created_at, id)
    WHERE status = 'pending' AND merged_into IS NULL;
-- Snoozed tickets wake soonest first; a snooze always has a time, the coalesce keeps the key total.
CREATE INDEX tickets_snoozed_idx ON tickets (tenant_id, (coalesce(snoozed_until, 'infinity'::timestamptz)), id)
    WHERE status = 'snoozed' AND merged_into IS NULL;
DROP INDEX tickets_resolved_idx;
CREATE INDEX tickets_resolved_idx ON tickets (tenant_id, resolved_at DESC, id DESC)
    WHERE status = 'resolved' AND merged_into IS NULL;
CREATE INDEX tickets_closed_idx ON tickets (tenant_id, resolved_at DESC, id DESC)
    WHERE status = 'closed' AND merged_into IS NULL;
