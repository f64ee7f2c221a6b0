-- name: MembershipCreate :exec
INSERT INTO memberships (tenant_id, user_id, role) VALUES (@tenant_id, @user_id, @role);

-- name: MembershipGet :one
SELECT * FROM memberships WHERE tenant_id = @tenant_id AND user_id = @user_id;

-- name: MembershipList :many
SELECT m.user_id, m.role, m.created_at, u.email, u.name
FROM memberships m
JOIN users u ON u.id = m.user_id
WHERE m.tenant_id = @tenant_id
ORDER BY lower(u.name), u.id;

-- name: MembershipSetRole :execrows
UPDATE memberships SET role = @role WHERE tenant_id = @tenant_id AND user_id = @user_id;

-- name: MembershipDelete :execrows
DELETE FROM memberships WHERE tenant_id = @tenant_id AND user_id = @user_id;

-- name: MembershipCountAdmins :one
SELECT count(*) FROM memberships WHERE tenant_id = @tenant_id AND role = 'admin';

-- Workspaces of one person, for the switcher. Reads through the own_memberships policy, so the
-- transaction must pin app.user_id to the same person.
-- name: MembershipWorkspaces :many
SELECT sqlc.embed(t), m.role, m.availability
FROM memberships m
JOIN tenants t ON t.id = m.tenant_id
WHERE m.user_id = @user_id
ORDER BY lower(t.name), t.id;
