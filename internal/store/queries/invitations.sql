-- name: InvitationCreate :one
INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
VALUES (@tenant_id, @email, @role, @token_hash, @invited_by, @expires_at)
RETURNING *;

-- name: InvitationByToken :one
SELECT * FROM invitations WHERE tenant_id = @tenant_id AND token_hash = @token_hash;

-- name: InvitationListPending :many
SELECT * FROM invitations
WHERE tenant_id = @tenant_id AND accepted_at IS NULL AND revoked_at IS NULL
ORDER BY created_at DESC, id
LIMIT 200;

-- name: InvitationAccept :execrows
UPDATE invitations SET accepted_at = now(), accepted_by = @accepted_by
WHERE tenant_id = @tenant_id AND id = @id
  AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now();

-- name: InvitationRevoke :execrows
UPDATE invitations SET revoked_at = now()
WHERE tenant_id = @tenant_id AND id = @id AND accepted_at IS NULL AND revoked_at IS NULL;

-- name: InvitationGet :one
SELECT * FROM invitations WHERE tenant_id = @tenant_id AND id = @id;

-- name: InvitationMailed :exec
UPDATE invitations SET mailed_at = now(), mail_error = NULL WHERE tenant_id = @tenant_id AND id = @id;

-- name: InvitationMailFailed :exec
UPDATE invitations SET mail_error = @mail_error WHERE tenant_id = @tenant_id AND id = @id;
