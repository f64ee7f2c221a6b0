-- name: AuditAdd :exec
INSERT INTO audit_log (tenant_id, actor_user_id, action, detail)
VALUES (@tenant_id, @actor_user_id, @action, @detail);

-- name: AuditList :many
SELECT * FROM audit_log
WHERE tenant_id = @tenant_id AND (sqlc.narg('before_id')::bigint IS NULL OR id < sqlc.narg('before_id')::bigint)
ORDER BY id DESC
LIMIT @max_rows;
