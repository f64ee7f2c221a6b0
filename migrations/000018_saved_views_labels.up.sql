-- Saved views (a name, the inbox's list parameters, personal or shared), each person's own order
-- of them, and the workspace's catalogue of tags and categories with who may add to it.

CREATE TABLE saved_views (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    -- A shared view outlives its author leaving the workspace; a personal one is then unseen.
    owner_id   uuid,
    shared     boolean     NOT NULL DEFAULT false,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- The list's view, filters and sort as the inbox URL spells them (see ui.listParams).
    params     text        NOT NULL CHECK (length(params) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id)
);
CREATE INDEX saved_views_owner_idx ON saved_views (tenant_id, owner_id);

-- Each person orders the views they see, shared ones included; a view without a row sorts last.
CREATE TABLE saved_view_positions (
    tenant_id uuid    NOT NULL,
    user_id   uuid    NOT NULL,
    view_id   uuid    NOT NULL,
    position  integer NOT NULL,
    PRIMARY KEY (tenant_id, user_id, view_id),
    FOREIGN KEY (tenant_id, view_id) REFERENCES saved_views (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE
);

-- The catalogue: every tag and category the workspace uses, and the marketplaces, stores and
-- languages its tickets name (the inbox filters' pickers read them here rather than scanning
-- tickets). Ticket writers of every kind (agents, rules, inbound mail, imports) register new
-- names through the triggers below, so the catalogue never misses one; the services decide
-- beforehand who may introduce a tag or category.
CREATE TABLE labels (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    kind       text        NOT NULL CHECK (kind IN ('tag', 'category', 'marketplace', 'store', 'language')),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, kind, name)
);

-- Who may add a new tag or category: 'admin', 'manager' (and admins) or 'agent' (everyone).
CREATE TABLE label_settings (
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    create_min_role text NOT NULL DEFAULT 'agent' CHECK (create_min_role IN ('agent', 'manager', 'admin')),
    PRIMARY KEY (tenant_id)
);

-- Category changes (rename, merge, delete) and the category filter find their tickets here.
CREATE INDEX tickets_category_idx ON tickets (tenant_id, category) WHERE category <> '';

-- A list sorted by age ("newest", "oldest": a saved view's sort) walks open tickets in that
-- order instead of sorting all of them.
CREATE INDEX tickets_open_created_idx ON tickets (tenant_id, created_at, id)
    WHERE status IN ('open', 'pending') AND merged_into IS NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['saved_views', 'saved_view_positions', 'labels', 'label_settings']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT app_tenant_id())) WITH CHECK (tenant_id = (SELECT app_tenant_id()))', t);
    END LOOP;
END $$;

-- Statement triggers, as for the search lexicon: one insert per statement however many rows it
-- wrote; names already listed are skipped before the insert, so concurrent writers only meet on
-- names new to the workspace, and in name order.
CREATE FUNCTION labels_from_inserted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO labels (tenant_id, kind, name)
    SELECT DISTINCT x.tenant_id, x.kind, x.name
    FROM (
        SELECT n.tenant_id, 'tag' AS kind, g.name FROM new_rows n, unnest(n.tags) AS g(name)
        UNION ALL
        SELECT n.tenant_id, 'category', n.category FROM new_rows n WHERE n.category <> ''
        UNION ALL
        SELECT n.tenant_id, 'marketplace', n.marketplace FROM new_rows n WHERE n.marketplace <> ''
        UNION ALL
        SELECT n.tenant_id, 'store', n.store FROM new_rows n WHERE n.store <> ''
        UNION ALL
        SELECT n.tenant_id, 'language', n.language FROM new_rows n WHERE n.language <> ''
    ) x
    WHERE length(x.name) BETWEEN 1 AND 80
      AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.tenant_id = x.tenant_id AND l.kind = x.kind AND l.name = x.name)
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE FUNCTION labels_from_updated() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO labels (tenant_id, kind, name)
    SELECT DISTINCT x.tenant_id, x.kind, x.name
    FROM (
        SELECT n.tenant_id, 'tag' AS kind, g.name
        FROM new_rows n
        JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id AND o.tags IS DISTINCT FROM n.tags,
             unnest(n.tags) AS g(name)
        UNION ALL
        SELECT n.tenant_id, 'category', n.category
        FROM new_rows n
        JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id AND o.category IS DISTINCT FROM n.category
        WHERE n.category <> ''
        UNION ALL
        SELECT n.tenant_id, v.kind, v.name
        FROM new_rows n
        JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
            AND (o.marketplace, o.store, o.language) IS DISTINCT FROM (n.marketplace, n.store, n.language),
             LATERAL (VALUES ('marketplace', n.marketplace), ('store', n.store), ('language', n.language)) AS v(kind, name)
        WHERE v.name <> ''
    ) x
    WHERE length(x.name) BETWEEN 1 AND 80
      AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.tenant_id = x.tenant_id AND l.kind = x.kind AND l.name = x.name)
    ORDER BY 1, 2, 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER labels_insert AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION labels_from_inserted();
CREATE TRIGGER labels_update AFTER UPDATE ON tickets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION labels_from_updated();

-- The catalogue starts with every name the workspaces' tickets carry.
INSERT INTO labels (tenant_id, kind, name)
SELECT DISTINCT tenant_id, 'tag', g.name FROM tickets, unnest(tags) AS g(name) WHERE length(g.name) BETWEEN 1 AND 80
UNION
SELECT DISTINCT tenant_id, 'category', category FROM tickets WHERE length(category) BETWEEN 1 AND 80
UNION
SELECT DISTINCT tenant_id, 'marketplace', marketplace FROM tickets WHERE length(marketplace) BETWEEN 1 AND 80
UNION
SELECT DISTINCT tenant_id, 'store', store FROM tickets WHERE length(store) BETWEEN 1 AND 80
UNION
SELECT DISTINCT tenant_id, 'language', language FROM tickets WHERE length(language) BETWEEN 1 AND 80
ON CONFLICT DO NOTHING;
