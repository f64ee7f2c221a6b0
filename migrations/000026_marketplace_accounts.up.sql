-- Marketplace accounts (issue 13): one Amazon seller account (a region's sites), one eBay store, one
-- Walmart seller. A workspace connects several. Amazon and Walmart buyer messages arrive as relay
-- mail at the account's own forwarding address (<workspace>+<forward_token>@gateway), so every relay
-- mail is tied to its account; replies leave through the mailbox the seller authorised at the
-- marketplace (reply_account_id). eBay connects through its consent flow instead. Credentials (eBay
-- and SP-API refresh tokens) are sealed like mailbox secrets, bound to (tenant_id, id).
CREATE TABLE marketplace_accounts (
    tenant_id             uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                    bigint      GENERATED ALWAYS AS IDENTITY,
    marketplace           text        NOT NULL CHECK (marketplace IN ('amazon', 'walmart', 'ebay')),
    name                  text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- amazon.de, amazon.fr, …; EBAY_US, EBAY_GB; walmart.com, walmart.ca
    sites                 text[]      NOT NULL DEFAULT '{}',
    -- the language the store answers in ('' = the workspace's)
    language              text        NOT NULL DEFAULT '',
    -- <marketplace>-<random>: never collides with a mailbox token (no dash) or a reply token (r-)
    forward_token         text        NOT NULL,
    reply_account_id      bigint,
    -- Walmart's relay formats are not documented: the sender addresses its mail comes from
    sender_patterns       text[]      NOT NULL DEFAULT '{}',
    credentials           bytea       NOT NULL DEFAULT '',
    -- when the stored refresh token stops working (eBay: the admin is warned before)
    credentials_expire_at timestamptz,
    status                text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'needs_reauth')),
    status_reason         text        NOT NULL DEFAULT '',
    status_at             timestamptz,
    -- silence longer than this on an account that trades means forwarding is broken
    silence_alarm_hours   integer     NOT NULL DEFAULT 48 CHECK (silence_alarm_hours BETWEEN 1 AND 720),
    silence_noticed_at    timestamptz,
    first_message_at      timestamptz,
    last_message_at       timestamptz,
    last_order_at         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT marketplace_accounts_token_key UNIQUE (tenant_id, forward_token),
    CONSTRAINT marketplace_accounts_name_key UNIQUE (tenant_id, marketplace, name),
    FOREIGN KEY (tenant_id, reply_account_id) REFERENCES email_accounts (tenant_id, id) ON DELETE SET NULL (reply_account_id)
);

ALTER TABLE marketplace_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketplace_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON marketplace_accounts
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));

-- Which marketplace account a mail arrived for (its forwarding address).
ALTER TABLE inbound_messages ADD COLUMN marketplace_account_id bigint;
ALTER TABLE inbound_messages ADD CONSTRAINT inbound_messages_marketplace_account_fkey
    FOREIGN KEY (tenant_id, marketplace_account_id) REFERENCES marketplace_accounts (tenant_id, id)
    ON DELETE SET NULL (marketplace_account_id);
CREATE INDEX inbound_messages_marketplace_account_idx ON inbound_messages (tenant_id, marketplace_account_id, received_at)
    WHERE marketplace_account_id IS NOT NULL;
