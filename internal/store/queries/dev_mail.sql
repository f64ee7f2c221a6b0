-- name: DevMailInsert :one
INSERT INTO dev_mail (mail_from, rcpt_to, subject, raw)
VALUES (@mail_from, @rcpt_to::text[], @subject, @raw)
RETURNING id, received_at;

-- name: DevMailList :many
SELECT id, received_at, mail_from, rcpt_to, subject FROM dev_mail
ORDER BY id DESC
LIMIT @max_rows;

-- name: DevMailGet :one
SELECT * FROM dev_mail WHERE id = @id;

-- name: DevMailTo :many
SELECT * FROM dev_mail WHERE @rcpt::text = ANY (rcpt_to) ORDER BY id;

-- name: DevMailTrim :execrows
DELETE FROM dev_mail WHERE id <= (SELECT max(id) FROM dev_mail) - @keep::bigint;
