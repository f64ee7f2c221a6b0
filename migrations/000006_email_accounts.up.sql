-- Email accounts a workspace connects (one per store or brand): an IMAP mailbox to sync, SMTP to
-- send replies with, and a forwarding address on our inbound gateway (<workspace>+<token>@domain).
-- Passwords and tokens are sealed (AES-GCM, see internal/secret); the row never holds them plain.
CREATE TABLE email_accounts (
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               bigint      GENERATED ALWAYS AS IDENTITY,
    name             text        NOT NULL,
    address          text        NOT NULL,
    from_name        text        NOT NULL DEFAULT '',
    signature        text        NOT NULL DEFAULT '',
    forward_token    text        NOT NULL,
    imap_host        text        NOT NULL DEFAULT '',
    imap_port        integer     NOT NULL DEFAULT 993,
    imap_tls         text        NOT NULL DEFAULT 'tls' CHECK (imap_tls IN ('tls', 'starttls', 'none')),
    imap_username    text        NOT NULL DEFAULT '',
    imap_folders     text[]      NOT NULL DEFAULT '{INBOX}',
    imap_idle        boolean     NOT NULL DEFAULT true,
    smtp_host        text        NOT NULL DEFAULT '',
    smtp_port        integer     NOT NULL DEFAULT 587,
    smtp_tls         text        NOT NULL DEFAULT 'starttls' CHECK (smtp_tls IN ('tls', 'starttls', 'none')),
    smtp_username    text        NOT NULL DEFAULT '',
    auth_kind        text        NOT NULL DEFAULT 'password' CHECK (auth_kind IN ('password', 'xoauth2')),
    -- Sealed JSON {"imap": "...", "smtp": "..."}; bound to (tenant_id, id) as associated data.
    secrets          bytea       NOT NULL DEFAULT '',
    status           text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    last_sync_at     timestamptz,
    last_error       text        NOT NULL DEFAULT '',
    last_error_at    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT email_accounts_address_key UNIQUE (tenant_id, address),
    CONSTRAINT email_accounts_token_key UNIQUE (tenant_id, forward_token)
);

-- Where each watched folder's sync stands: messages with a UID above last_uid are new, as long as
-- the folder's UIDVALIDITY is unchanged.
CREATE TABLE email_cursors (
    tenant_id   uuid        NOT NULL,
    account_id  bigint      NOT NULL,
    mailbox     text        NOT NULL,
    uidvalidity bigint      NOT NULL,
    last_uid    bigint      NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, account_id, mailbox),
    FOREIGN KEY (tenant_id, account_id) REFERENCES email_accounts (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE inbound_messages ADD COLUMN account_id bigint;
ALTER TABLE inbound_messages ADD CONSTRAINT inbound_messages_account_fk
    FOREIGN KEY (tenant_id, account_id) REFERENCES email_accounts (tenant_id, id) ON DELETE SET NULL (account_id);
CREATE INDEX inbound_messages_account_idx ON inbound_messages (tenant_id, account_id, received_at);

-- The account a ticket's replies go out through.
ALTER TABLE tickets ADD COLUMN email_account_id bigint;
ALTER TABLE tickets ADD CONSTRAINT tickets_email_account_fk
    FOREIGN KEY (tenant_id, email_account_id) REFERENCES email_accounts (tenant_id, id) ON DELETE SET NULL (email_account_id);

-- When the current delivery attempt started: an attempt found still "sending" was interrupted, and
-- the sender checks whether the server accepted it before sending again.
ALTER TABLE messages ADD COLUMN delivery_started_at timestamptz;

-- The row views gain the new columns (appended, as CREATE OR REPLACE VIEW requires).
CREATE OR REPLACE VIEW ticket_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, number, channel, marketplace, store, subject, customer_id, status, priority,
           assignee_id, team_id, tags, category, language, presale, snoozed_until, sla_due_at, sla_state,
           created_at, updated_at, last_message_at, last_customer_at, first_reply_at, resolved_at,
           message_count, snippet, merged_into, email_account_id
    FROM tickets;
CREATE OR REPLACE VIEW message_rows WITH (security_invoker = true) AS
    SELECT tenant_id, id, ticket_id, kind, author_user_id, author_customer_id, from_address, body_text,
           body_html, channel_message_id, automated, delivery_state, delivery_error, sent_at, created_at,
           delivery_started_at
    FROM messages;

ALTER TABLE email_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON email_accounts
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
ALTER TABLE email_cursors ENABLE ROW LEVEL SECURITY;
ALTER TABLE email_cursors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON email_cursors
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));

-- The periodic sync fans out over every workspace's active accounts. Row-level security hides them
-- from a connection with no workspace pinned, so this reviewed function returns only the keys
-- (no names, addresses or secrets) of the accounts that have a mailbox to sync, and whether they
-- want IMAP IDLE.
CREATE FUNCTION email_accounts_to_sync()
    RETURNS TABLE (tenant_id uuid, account_id bigint, idle boolean)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $$
    SELECT a.tenant_id, a.id, a.imap_idle FROM email_accounts a
    WHERE a.status = 'active' AND a.imap_host <> ''
    ORDER BY a.tenant_id, a.id
$$;
REVOKE ALL ON FUNCTION email_accounts_to_sync() FROM PUBLIC;
