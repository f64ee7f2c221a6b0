-- name: UserCreate :one
INSERT INTO users (email, name, password_hash, language)
VALUES (@email, @name, @password_hash, @language)
RETURNING *;

-- name: UserByEmail :one
SELECT * FROM users WHERE email = @email;

-- name: UserByID :one
SELECT * FROM users WHERE id = @id;

-- Every password change voids the person's open reset links, and (through password_changed_at)
-- ends their sessions.
-- name: UserSetPassword :exec
WITH void AS (
    UPDATE password_resets r SET voided_at = now()
    WHERE r.user_id = @id::uuid AND r.used_at IS NULL AND r.voided_at IS NULL
)
UPDATE users u SET password_hash = @password_hash, password_changed_at = now() WHERE u.id = @id::uuid;

-- name: UserSetLanguage :exec
UPDATE users SET language = @language WHERE id = @id;

-- name: UserSetName :exec
UPDATE users SET name = @name WHERE id = @id;

-- name: UserNames :many
SELECT id, name FROM users WHERE id = ANY(@ids::uuid[]);

-- name: UserSetTimeZone :exec
UPDATE users SET time_zone = @time_zone WHERE id = @id;
