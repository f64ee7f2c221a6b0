-- name: TenantCreate :one
INSERT INTO tenants (slug, name, time_zone, default_language)
VALUES (@slug, @name, @time_zone, @default_language)
RETURNING *;

-- name: TenantBySlug :one
SELECT * FROM tenants WHERE slug = @slug;

-- name: TenantByID :one
SELECT * FROM tenants WHERE id = @id;

-- name: TenantUpdate :one
UPDATE tenants SET name = @name, time_zone = @time_zone, default_language = @default_language
WHERE id = @id
RETURNING *;
