-- The shared inbox: customers and their identities, orders, teams, tickets, messages, attachments,
-- the event trail, read markers, merges (undoable) and notifications. Every table is a tenant
-- table (tenant_id first in the primary key and in every foreign key, RLS forced).

-- GIN indexes that lead with tenant_id, so a search reads only its workspace's postings.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE teams (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE team_members (
    tenant_id uuid NOT NULL,
    team_id   uuid NOT NULL,
    user_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, team_id, user_id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE
);

CREATE TABLE customers (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    name       text        NOT NULL DEFAULT '',
    language   text        NOT NULL DEFAULT '',
    tags       text[]      NOT NULL DEFAULT '{}',
    notes      text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE customer_emails (
    tenant_id   uuid NOT NULL,
    email       text NOT NULL CHECK (email = lower(email)),
    customer_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, email),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_emails_customer_idx ON customer_emails (tenant_id, customer_id);

-- Per-channel identities: an Amazon buyer alias, an eBay user id, ...
CREATE TABLE customer_identities (
    tenant_id   uuid        NOT NULL,
    channel     text        NOT NULL,
    external_id text        NOT NULL,
    customer_id uuid        NOT NULL,
    display     text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, channel, external_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_identities_customer_idx ON customer_identities (tenant_id, customer_id);

CREATE TABLE orders (
    tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    customer_id     uuid,
    marketplace     text        NOT NULL,
    store           text        NOT NULL DEFAULT '',
    number          text        NOT NULL,
    status          text        NOT NULL DEFAULT 'unshipped',
    items           jsonb       NOT NULL DEFAULT '[]',
    amount_minor    bigint      NOT NULL DEFAULT 0,
    currency        text        NOT NULL DEFAULT 'EUR',
    ordered_at      timestamptz NOT NULL DEFAULT now(),
    shipped_at      timestamptz,
    delivered_at    timestamptz,
    tracking_number text        NOT NULL DEFAULT '',
    tracking_url    text        NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, marketplace, number),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE SET NULL (customer_id)
);
CREATE INDEX orders_customer_idx ON orders (tenant_id, customer_id, ordered_at DESC);
CREATE INDEX orders_number_idx ON orders (tenant_id, number);

-- Per-workspace ticket numbers (#1042); one row per workspace, locked briefly per new ticket.
CREATE TABLE ticket_counters (
    tenant_id uuid   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    last      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id)
);

CREATE TABLE tickets (
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               bigint      GENERATED ALWAYS AS IDENTITY,
    number           bigint      NOT NULL,
    channel          text        NOT NULL CHECK (channel IN ('email', 'amazon', 'ebay', 'walmart', 'tiktok', 'etsy', 'webshop', 'other')),
    marketplace      text        NOT NULL DEFAULT '',
    store            text        NOT NULL DEFAULT '',
    subject          text        NOT NULL DEFAULT '',
    customer_id      uuid        NOT NULL,
    status           text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'snoozed', 'resolved', 'closed')),
    -- 0 urgent, 1 high, 2 normal, 3 low: sorts most urgent first.
    priority         smallint    NOT NULL DEFAULT 2 CHECK (priority BETWEEN 0 AND 3),
    assignee_id      uuid,
    team_id          uuid,
    tags             text[]      NOT NULL DEFAULT '{}',
    category         text        NOT NULL DEFAULT '',
    language         text        NOT NULL DEFAULT '',
    presale          boolean     NOT NULL DEFAULT false,
    snoozed_until    timestamptz,
    -- Filled by the SLA issue; the inbox orders by it already.
    sla_due_at       timestamptz,
    sla_state        text        NOT NULL DEFAULT '' CHECK (sla_state IN ('', 'ok', 'warning', 'breached', 'met', 'paused')),
    -- Non-null form of sla_due_at for keyset ordering: no due time sorts last.
    sort_due         timestamptz GENERATED ALWAYS AS (coalesce(sla_due_at, 'infinity'::timestamptz)) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    last_message_at  timestamptz NOT NULL DEFAULT now(),
    last_customer_at timestamptz,
    first_reply_at   timestamptz,
    resolved_at      timestamptz,
    message_count    integer     NOT NULL DEFAULT 0,
    snippet          text        NOT NULL DEFAULT '',
    merged_into      bigint,
    -- Search text prepared by the application (folded words and CJK bigrams), see package search.
    search_tsv       tsvector    NOT NULL DEFAULT ''::tsvector,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (assignee_id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE SET NULL (team_id),
    FOREIGN KEY (tenant_id, merged_into) REFERENCES tickets (tenant_id, id)
);

-- Inbox lists: one partial index per hot view, each in the list's own order
-- (due time, priority, age, id), so a first page reads page-size rows whatever the total.
CREATE INDEX tickets_open_idx ON tickets (tenant_id, sort_due, priority, created_at, id)
    WHERE status IN ('open', 'pending') AND merged_into IS NULL;
CREATE INDEX tickets_unassigned_idx ON tickets (tenant_id, sort_due, priority, created_at, id)
    WHERE status IN ('open', 'pending') AND merged_into IS NULL AND assignee_id IS NULL;
CREATE INDEX tickets_mine_idx ON tickets (tenant_id, assignee_id, sort_due, priority, created_at, id)
    WHERE status IN ('open', 'pending', 'snoozed') AND merged_into IS NULL;
CREATE INDEX tickets_channel_idx ON tickets (tenant_id, channel, sort_due, priority, created_at, id)
    WHERE status IN ('open', 'pending') AND merged_into IS NULL;
CREATE INDEX tickets_resolved_idx ON tickets (tenant_id, resolved_at DESC, id DESC)
    WHERE status IN ('resolved', 'closed') AND merged_into IS NULL;
CREATE INDEX tickets_customer_idx ON tickets (tenant_id, customer_id, created_at DESC);
CREATE INDEX tickets_tags_idx ON tickets USING gin (tenant_id, tags);
CREATE INDEX tickets_search_idx ON tickets USING gin (tenant_id, search_tsv);

CREATE TABLE messages (
    tenant_id          uuid        NOT NULL,
    id                 bigint      GENERATED ALWAYS AS IDENTITY,
    ticket_id          bigint      NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('inbound', 'outbound', 'note')),
    author_user_id     uuid,
    author_customer_id uuid,
    from_address       text        NOT NULL DEFAULT '',
    body_text          text        NOT NULL DEFAULT '',
    body_html          text        NOT NULL DEFAULT '',
    channel_message_id text        NOT NULL DEFAULT '',
    automated          boolean     NOT NULL DEFAULT false,
    -- Outbound replies: queued → sending → sent, or failed (with the error) and resend.
    delivery_state     text        NOT NULL DEFAULT '' CHECK (delivery_state IN ('', 'queued', 'sending', 'sent', 'failed')),
    delivery_error     text        NOT NULL DEFAULT '',
    sent_at            timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    search_tsv         tsvector    NOT NULL DEFAULT ''::tsvector,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, author_customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX messages_ticket_idx ON messages (tenant_id, ticket_id, created_at, id);
CREATE INDEX messages_search_idx ON messages USING gin (tenant_id, search_tsv);
CREATE UNIQUE INDEX messages_channel_id_idx ON messages (tenant_id, channel_message_id) WHERE channel_message_id <> '';

-- Attachment bytes live outside the message rows, deduplicated by content hash.
CREATE TABLE blobs (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sha256     bytea       NOT NULL,
    data       bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, sha256)
);

CREATE TABLE attachments (
    tenant_id    uuid   NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    message_id   bigint NOT NULL,
    name         text   NOT NULL,
    content_type text   NOT NULL,
    size         bigint NOT NULL,
    sha256       bytea  NOT NULL,
    content_id   text   NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, sha256) REFERENCES blobs (tenant_id, sha256)
);
CREATE INDEX attachments_message_idx ON attachments (tenant_id, message_id);

-- Every change to a ticket: who, what, when.
CREATE TABLE ticket_events (
    tenant_id     uuid        NOT NULL,
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    ticket_id     bigint      NOT NULL,
    actor_user_id uuid,
    kind          text        NOT NULL,
    data          jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (tenant_id, ticket_id, created_at, id);

-- When each person last read each ticket, for unread markers.
CREATE TABLE ticket_reads (
    tenant_id uuid        NOT NULL,
    ticket_id bigint      NOT NULL,
    user_id   uuid        NOT NULL,
    read_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, ticket_id, user_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);

-- A merge moves the source's messages into the target; the record keeps what undo needs.
CREATE TABLE ticket_merges (
    tenant_id     uuid        NOT NULL,
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    source_id     bigint      NOT NULL,
    target_id     bigint      NOT NULL,
    message_ids   bigint[]    NOT NULL,
    source_before jsonb       NOT NULL,
    target_before jsonb       NOT NULL,
    merged_by     uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    undone_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, target_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE notifications (
    tenant_id  uuid        NOT NULL,
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    user_id    uuid        NOT NULL,
    kind       text        NOT NULL,
    ticket_id  bigint,
    message_id bigint,
    actor_id   uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user_idx ON notifications (tenant_id, user_id, created_at DESC) WHERE read_at IS NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['teams', 'team_members', 'customers', 'customer_emails', 'customer_identities',
        'orders', 'ticket_counters', 'tickets', 'messages', 'blobs', 'attachments', 'ticket_events',
        'ticket_reads', 'ticket_merges', 'notifications']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()))', t);
    END LOOP;
END $$;

-- Row views without the search vectors, which only search reads. security_invoker makes the
-- views check privileges and row-level security as the querying role, not as their owner.
CREATE VIEW ticket_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, number, channel, marketplace, store, subject, customer_id, status, priority,
           assignee_id, team_id, tags, category, language, presale, snoozed_until, sla_due_at, sla_state,
           created_at, updated_at, last_message_at, last_customer_at, first_reply_at, resolved_at,
           message_count, snippet, merged_into
    FROM tickets;

CREATE VIEW message_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, ticket_id, kind, author_user_id, author_customer_id, from_address, body_text,
           body_html, channel_message_id, automated, delivery_state, delivery_error, sent_at, created_at
    FROM messages;
