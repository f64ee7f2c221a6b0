-- Foundation: people, workspaces (tenants), memberships, invitations, sessions, sign-in throttling,
-- audit log, and the row-level security that keeps workspaces apart.
--
-- Tenancy rules for every table that follows:
--   * a tenant table has tenant_id as the first column of its primary key and of every foreign key;
--   * it has ROW LEVEL SECURITY enabled and FORCED with a policy on app_tenant_id(), which reads the
--     per-transaction setting app.tenant_id and is NULL when none is set, so nothing matches
--     (fail closed). A test walks the catalog and fails for a tenant table without it.

-- NULLIF: after a transaction-local set_config ends, the setting stays defined as '' on that pooled
-- connection; '' must mean "no tenant", not a cast error.
CREATE FUNCTION app_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION app_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

-- People are global: one person signs in once and may belong to several workspaces.
CREATE TABLE users (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email               text        NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash       text        NOT NULL,
    -- '' follows the browser's Accept-Language, then the workspace default.
    language            text        NOT NULL DEFAULT '' CHECK (language IN ('', 'en', 'ko', 'ro')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email)
);

-- The tenant registry itself. Slugs resolve /w/{workspace} routes before any tenant is pinned,
-- so this table is readable by slug; everything inside a workspace lives in tenant tables.
CREATE TABLE tenants (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    slug             text        NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    time_zone        text        NOT NULL,
    default_language text        NOT NULL CHECK (default_language IN ('en', 'ko', 'ro')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_slug_key UNIQUE (slug)
);

CREATE TABLE memberships (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
-- Serves the workspace switcher (a person's own memberships across workspaces).
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE invitations (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    email       text        NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    role        text        NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
    -- SHA-256 of the link's secret; the secret itself is never stored.
    token_hash  bytea       NOT NULL,
    invited_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_by uuid,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT invitations_token_key UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, invited_by) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (invited_by),
    FOREIGN KEY (tenant_id, accepted_by) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (accepted_by)
);
CREATE INDEX invitations_pending_idx ON invitations (tenant_id, created_at DESC)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Every admin action, for the workspace's audit log.
CREATE TABLE audit_log (
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_user_id uuid,
    action        text        NOT NULL,
    detail        jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id)
);

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
-- A signed-in person may read their own memberships in every workspace (the switcher), and
-- nothing else, when the transaction pins app.user_id.
CREATE POLICY own_memberships ON memberships FOR SELECT
    USING (user_id = (SELECT app_user_id()));

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));

-- Sessions (alexedwards/scs pgxstore layout). Global: a session belongs to a person.
CREATE TABLE sessions (
    token  text        PRIMARY KEY,
    data   bytea       NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Failed sign-ins per key ('account:<email>' or 'ip:<address>'), for throttling.
CREATE TABLE login_throttle (
    key           text        PRIMARY KEY,
    failures      integer     NOT NULL,
    window_start  timestamptz NOT NULL,
    locked_until  timestamptz
);
