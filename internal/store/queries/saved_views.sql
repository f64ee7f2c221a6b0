-- name: SavedViewsVisible :many
-- The views a person sees (their own and the shared ones), in their own order; views they have
-- not placed yet come last, oldest first.
SELECT v.id, v.owner_id, v.shared, v.name, v.params, v.created_at, v.updated_at
FROM saved_views v
LEFT JOIN saved_view_positions p ON p.tenant_id = v.tenant_id AND p.view_id = v.id AND p.user_id = @user_id
WHERE v.tenant_id = @tenant_id AND (v.shared OR v.owner_id = @user_id)
ORDER BY p.position NULLS LAST, v.created_at, v.id;

-- name: SavedViewByID :one
SELECT id, owner_id, shared, name, params, created_at, updated_at
FROM saved_views WHERE tenant_id = @tenant_id AND id = @id;

-- name: SavedViewForUpdate :one
SELECT id, owner_id, shared, name, params, created_at, updated_at
FROM saved_views WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: SavedViewCreate :one
INSERT INTO saved_views (tenant_id, owner_id, shared, name, params)
VALUES (@tenant_id, @owner_id, @shared, @name, @params)
RETURNING id;

-- name: SavedViewUpdate :exec
UPDATE saved_views SET name = @name, params = @params, shared = @shared, updated_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: SavedViewDelete :exec
DELETE FROM saved_views WHERE tenant_id = @tenant_id AND id = @id;

-- name: SavedViewPositionsSet :exec
-- Writes a person's whole order at once: the views listed take positions 1, 2, 3 …
INSERT INTO saved_view_positions (tenant_id, user_id, view_id, position)
SELECT @tenant_id, @user_id, o.view_id, o.position::integer
FROM unnest(@view_ids::uuid[]) WITH ORDINALITY AS o(view_id, position)
ON CONFLICT (tenant_id, user_id, view_id) DO UPDATE SET position = excluded.position;

-- name: SavedViewsAllForUpdate :many
-- Every view of the workspace, for a tag or category rename that the views' filters follow.
SELECT id, params FROM saved_views WHERE tenant_id = @tenant_id ORDER BY id FOR UPDATE;

-- name: SavedViewSetParams :exec
UPDATE saved_views SET params = @params, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;
