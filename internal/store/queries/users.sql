-- name: UserCreate :one
INSERT INTO users (email, name, password_hash, language)
VALUES (@email, @name, @password_hash, @language)
RETURNING *;

-- name: UserByEmail :one
SELECT * FROM users WHERE email = @email;

-- name: UserByID :one
SELECT * FROM users WHERE id = @id;

-- name: UserSetPassword :exec
UPDATE users SET password_hash = @password_hash, password_changed_at = now() WHERE id = @id;

-- name: UserSetLanguage :exec
UPDATE users SET language = @language WHERE id = @id;

-- name: UserSetName :exec
UPDATE users SET name = @name WHERE id = @id;

-- name: UserNames :many
SELECT id, name FROM users WHERE id = ANY(@ids::uuid[]);
