-- name: LabelsList :many
SELECT id, kind, name, created_at FROM labels
WHERE tenant_id = @tenant_id AND kind = @kind
ORDER BY lower(name), name;

-- name: LabelsSuggest :many
-- Names containing what was typed, those starting with it first.
SELECT name FROM labels
WHERE tenant_id = @tenant_id AND kind = @kind AND strpos(lower(name), lower(@typed::text)) > 0
ORDER BY strpos(lower(name), lower(@typed::text)) <> 1, lower(name), name
LIMIT @max;

-- name: LabelsKnown :many
SELECT name FROM labels WHERE tenant_id = @tenant_id AND kind = @kind AND name = ANY(@names::text[]);

-- name: LabelByID :one
SELECT id, kind, name, created_at FROM labels WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: LabelByName :one
SELECT id, kind, name, created_at FROM labels WHERE tenant_id = @tenant_id AND kind = @kind AND name = @name;

-- name: LabelCreate :exec
INSERT INTO labels (tenant_id, kind, name) VALUES (@tenant_id, @kind, @name) ON CONFLICT DO NOTHING;

-- name: LabelRename :exec
UPDATE labels SET name = @name WHERE tenant_id = @tenant_id AND id = @id;

-- name: LabelDelete :exec
DELETE FROM labels WHERE tenant_id = @tenant_id AND id = @id;

-- name: LabelSettings :one
SELECT coalesce((SELECT create_min_role FROM label_settings WHERE tenant_id = @tenant_id), 'agent')::text AS create_min_role;

-- name: LabelSettingsSet :exec
INSERT INTO label_settings (tenant_id, create_min_role) VALUES (@tenant_id, @create_min_role)
ON CONFLICT (tenant_id) DO UPDATE SET create_min_role = excluded.create_min_role;

-- name: TicketsWithTagCount :one
SELECT count(*) FROM tickets WHERE tenant_id = @tenant_id AND tags @> ARRAY[@name::text];

-- name: TicketsWithCategoryCount :one
SELECT count(*) FROM tickets WHERE tenant_id = @tenant_id AND category = @name::text AND category <> '';

-- name: TicketsRetagBatch :execrows
-- Replaces one tag by another (or removes it, when to is empty) on up to max tickets that carry
-- it, keeping each ticket's tags sorted and without repeats. Called until it changes none.
UPDATE tickets t
SET tags = coalesce((SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(t.tags) AS u(x0),
                     LATERAL (SELECT CASE WHEN u.x0 = @from_name::text THEN nullif(@to_name::text, '') ELSE u.x0 END) AS r(x)
                     WHERE r.x IS NOT NULL), '{}'),
    updated_at = now()
WHERE t.tenant_id = @tenant_id
  AND t.id IN (SELECT b.id FROM tickets b WHERE b.tenant_id = @tenant_id AND b.tags @> ARRAY[@from_name::text]
               ORDER BY b.id LIMIT @max::integer);

-- name: TicketsRecategorizeBatch :execrows
-- Moves up to max tickets from one category to another ('' clears it). Called until it changes none.
UPDATE tickets t SET category = @to_name::text, updated_at = now()
WHERE t.tenant_id = @tenant_id
  AND t.id IN (SELECT b.id FROM tickets b WHERE b.tenant_id = @tenant_id AND b.category = @from_name::text AND b.category <> ''
               ORDER BY b.id LIMIT @max::integer);
