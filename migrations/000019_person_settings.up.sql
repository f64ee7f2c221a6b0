-- People's own settings and notifications (issue 12).
--
-- A person's time zone is theirs in every workspace ('' = the workspace's zone). Signatures and
-- notification preferences belong to the person in one workspace.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT '' CHECK (length(time_zone) <= 64);

CREATE TABLE member_prefs (
    tenant_id      uuid        NOT NULL,
    user_id        uuid        NOT NULL,
    -- notification kinds the person does not want in the app (nor, so, in the digest)
    muted          text[]      NOT NULL DEFAULT '{}',
    digest         text        NOT NULL DEFAULT 'off' CHECK (digest IN ('off', 'hourly', 'daily')),
    -- when the last digest was claimed: the next is due an hour or a day later
    digest_at      timestamptz,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX member_prefs_digest_idx ON member_prefs (tenant_id, digest_at) WHERE digest <> 'off';

CREATE TABLE signatures (
    tenant_id  uuid NOT NULL,
    user_id    uuid NOT NULL,
    channel    text NOT NULL,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    PRIMARY KEY (tenant_id, user_id, channel),
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE
);

-- A grouped notification (SLA warnings that fire together) counts its tickets; group_key joins
-- the notices of one kind, person and time window while the first is unread. mailed_at is set
-- when a digest claims the notice, before the mail leaves, so no notice is ever mailed twice.
ALTER TABLE notifications
    ADD COLUMN group_key  text,
    ADD COLUMN tickets    bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN mailed_at  timestamptz;
CREATE UNIQUE INDEX notifications_group_idx ON notifications (tenant_id, user_id, group_key)
    WHERE group_key IS NOT NULL AND read_at IS NULL;
-- The list (newest first, keyset on id) and the digest's unmailed unread notices.
CREATE INDEX notifications_list_idx ON notifications (tenant_id, user_id, id DESC);
CREATE INDEX notifications_unmailed_idx ON notifications (tenant_id, user_id, id)
    WHERE read_at IS NULL AND mailed_at IS NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['member_prefs', 'signatures']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()))', t);
    END LOOP;
END $$;
