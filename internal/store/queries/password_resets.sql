-- A newer link voids every older one of the person.
-- name: PasswordResetVoidOpen :exec
UPDATE password_resets SET voided_at = @now::timestamptz
WHERE user_id = @user_id AND used_at IS NULL AND voided_at IS NULL;

-- name: PasswordResetCreate :one
INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)
VALUES (@user_id, @token_hash, @now, @expires_at)
RETURNING *;

-- name: PasswordResetByToken :one
SELECT * FROM password_resets WHERE token_hash = @token_hash;

-- Uses a link: the conditional update is what makes it single-use when two requests race.
-- name: PasswordResetUse :one
UPDATE password_resets SET used_at = @now::timestamptz
WHERE token_hash = @token_hash AND used_at IS NULL AND voided_at IS NULL AND expires_at > @now::timestamptz
RETURNING user_id;

-- name: PasswordResetDeleteOld :execrows
DELETE FROM password_resets WHERE expires_at < @before;
