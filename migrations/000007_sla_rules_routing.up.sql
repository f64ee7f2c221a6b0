-- SLA clocks, business-hours calendars, rules and routing (issue 5).

-- A business-hours calendar: a weekly grid in a time zone (several intervals a day, overnight
-- shifts as intervals that end after 24:00), holidays (entered or picked from a shipped country
-- list) and one-off closures. One calendar per workspace is its default; teams may have their own.
CREATE TABLE calendars (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    time_zone   text        NOT NULL,
    -- [[{"start": 540, "end": 1020}], …] minutes from midnight, Monday first, seven days.
    week        jsonb       NOT NULL DEFAULT '[[],[],[],[],[],[],[]]',
    -- [{"date": "2026-12-25", "name": "Christmas"}]
    holidays    jsonb       NOT NULL DEFAULT '[]',
    -- [{"from": "…", "to": "…", "name": "…"}] instants
    closures    jsonb       NOT NULL DEFAULT '[]',
    is_default  boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
CREATE UNIQUE INDEX calendars_default_idx ON calendars (tenant_id) WHERE is_default;

-- Teams as tiers, with their assignment mode and calendar.
ALTER TABLE teams
    ADD COLUMN tier        smallint NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 3),
    ADD COLUMN assignment  text     NOT NULL DEFAULT 'manual' CHECK (assignment IN ('manual', 'round_robin', 'least_loaded')),
    ADD COLUMN calendar_id uuid,
    -- Round-robin position: the last member given a ticket.
    ADD COLUMN last_assigned uuid,
    ADD FOREIGN KEY (tenant_id, calendar_id) REFERENCES calendars (tenant_id, id) ON DELETE SET NULL (calendar_id);

-- Per member of a team: capacity per channel ({"email": 2, "*": 5}), skills, channels they may see.
ALTER TABLE team_members
    ADD COLUMN capacity  jsonb  NOT NULL DEFAULT '{}',
    ADD COLUMN languages text[] NOT NULL DEFAULT '{}',
    ADD COLUMN marketplaces text[] NOT NULL DEFAULT '{}';

-- Availability and channel access of a person in a workspace (empty channels: all channels).
ALTER TABLE memberships
    ADD COLUMN availability text   NOT NULL DEFAULT 'online' CHECK (availability IN ('online', 'away')),
    ADD COLUMN channels     text[] NOT NULL DEFAULT '{}';

-- SLA policies, tried in position order; the first whose conditions match applies.
CREATE TABLE sla_policies (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id             uuid        NOT NULL DEFAULT gen_random_uuid(),
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    preset         text        NOT NULL DEFAULT '',
    position       integer     NOT NULL DEFAULT 0,
    enabled        boolean     NOT NULL DEFAULT true,
    -- A rule condition group (package rule): {"match": "all", "conditions": [...]}
    conditions     jsonb       NOT NULL DEFAULT '{"match": "all", "conditions": []}',
    -- Targets in minutes (NULL: no target) and their clocks.
    first_response integer     CHECK (first_response > 0),
    next_response  integer     CHECK (next_response > 0),
    resolution     integer     CHECK (resolution > 0),
    first_response_clock text  NOT NULL DEFAULT 'calendar' CHECK (first_response_clock IN ('calendar', 'business')),
    next_response_clock  text  NOT NULL DEFAULT 'calendar' CHECK (next_response_clock IN ('calendar', 'business')),
    resolution_clock     text  NOT NULL DEFAULT 'calendar' CHECK (resolution_clock IN ('calendar', 'business')),
    calendar_id    uuid,
    pause_pending  boolean     NOT NULL DEFAULT false,
    pause_snoozed  boolean     NOT NULL DEFAULT false,
    warn_percent   smallint    NOT NULL DEFAULT 80 CHECK (warn_percent BETWEEN 1 AND 99),
    -- The marketplace's own deadline, shown beside the internal target.
    hard_deadline  text        NOT NULL DEFAULT '',
    -- Escalation: {"warning": [actions], "breach": [actions]} (package rule actions).
    escalation     jsonb       NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, calendar_id) REFERENCES calendars (tenant_id, id) ON DELETE SET NULL (calendar_id)
);
CREATE INDEX sla_policies_order_idx ON sla_policies (tenant_id, position, id);

-- A policy applied by a rule sticks to the ticket; otherwise the first matching policy applies.
ALTER TABLE tickets
    ADD COLUMN sla_policy_id uuid,
    ADD COLUMN sla_policy_pinned boolean NOT NULL DEFAULT false,
    ADD FOREIGN KEY (tenant_id, sla_policy_id) REFERENCES sla_policies (tenant_id, id) ON DELETE SET NULL (sla_policy_id);

-- The running target per ticket and metric. Jobs carry the due time they were scheduled for, so a
-- job for an earlier due time finds a mismatch and does nothing.
CREATE TABLE ticket_slas (
    tenant_id   uuid        NOT NULL,
    ticket_id   bigint      NOT NULL,
    metric      text        NOT NULL CHECK (metric IN ('first_response', 'next_response', 'resolution')),
    policy_id   uuid,
    started_at  timestamptz NOT NULL,
    target_min  integer     NOT NULL,
    due_at      timestamptz,
    warn_at     timestamptz,
    state       text        NOT NULL CHECK (state IN ('running', 'paused', 'met', 'breached')),
    warned_at   timestamptz,
    breached_at timestamptz,
    met_at      timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, ticket_id, metric),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);

-- Every finished response target (met, breached then met, or closed without a response): the
-- input of SLA compliance and the marketplace metrics (Amazon late-response rate, …).
CREATE TABLE sla_records (
    tenant_id    uuid        NOT NULL,
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    ticket_id    bigint      NOT NULL,
    metric       text        NOT NULL,
    channel      text        NOT NULL,
    marketplace  text        NOT NULL DEFAULT '',
    started_at   timestamptz NOT NULL,
    due_at       timestamptz,
    finished_at  timestamptz NOT NULL,
    -- met, breached (answered late) or skipped ("no response needed")
    outcome      text        NOT NULL CHECK (outcome IN ('met', 'breached', 'skipped')),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sla_records_channel_idx ON sla_records (tenant_id, channel, finished_at);

-- "No response needed": the latest customer message needs no answer; its clock is closed.
ALTER TABLE messages ADD COLUMN no_response boolean NOT NULL DEFAULT false;

-- Rules: ordered, enabled or not, a trigger, a condition group and actions.
CREATE TABLE rules (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    position   integer     NOT NULL DEFAULT 0,
    enabled    boolean     NOT NULL DEFAULT false,
    trigger    text        NOT NULL,
    -- Time triggers: minutes (since the last customer message, before a due time).
    minutes    integer     NOT NULL DEFAULT 0,
    conditions jsonb       NOT NULL DEFAULT '{"match": "all", "conditions": []}',
    actions    jsonb       NOT NULL DEFAULT '[]',
    stop       boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);
CREATE INDEX rules_order_idx ON rules (tenant_id, trigger, position, id) WHERE enabled;

-- Tickets waiting for an agent of their team (everyone at capacity), oldest first.
CREATE INDEX tickets_team_queue_idx ON tickets (tenant_id, team_id, created_at, id)
    WHERE assignee_id IS NULL AND status IN ('open', 'pending') AND merged_into IS NULL AND team_id IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['calendars', 'sla_policies', 'ticket_slas', 'sla_records', 'rules']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()))', t);
    END LOOP;
END $$;

CREATE OR REPLACE VIEW ticket_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, number, channel, marketplace, store, subject, customer_id, status, priority,
           assignee_id, team_id, tags, category, language, presale, snoozed_until, sla_due_at, sla_state,
           created_at, updated_at, last_message_at, last_customer_at, first_reply_at, resolved_at,
           message_count, snippet, merged_into, email_account_id, sla_policy_id, sla_policy_pinned
    FROM tickets;

CREATE OR REPLACE VIEW message_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, ticket_id, kind, author_user_id, author_customer_id, from_address, body_text,
           body_html, channel_message_id, automated, delivery_state, delivery_error, sent_at, created_at,
           delivery_started_at, no_response
    FROM messages;
