-- name: InboundAccept :one
INSERT INTO inbound_messages (tenant_id, source, raw_sha256, raw, account_id)
VALUES (@tenant_id, @source, @raw_sha256, @raw, sqlc.narg(account_id))
ON CONFLICT (tenant_id, raw_sha256) DO NOTHING
RETURNING id;

-- name: InboundFinish :exec
UPDATE inbound_messages SET state = @state, error = @error, message_id = @message_id, ticket_id = @ticket_id, processed_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: InboundRequeue :execrows
UPDATE inbound_messages SET state = 'pending', error = '', processed_at = NULL
WHERE tenant_id = @tenant_id AND id = @id AND state = 'quarantined';

-- name: InboundQuarantined :many
SELECT id, source, received_at, error, length(raw)::bigint AS size FROM inbound_messages
WHERE tenant_id = @tenant_id AND state = 'quarantined'
  AND (sqlc.narg(account_id)::bigint IS NULL OR account_id = sqlc.narg(account_id))
ORDER BY received_at DESC, id DESC LIMIT @max_rows;

-- name: InboundRaw :one
SELECT raw FROM inbound_messages WHERE tenant_id = @tenant_id AND id = @id;

-- name: MessageTicketByChannelIDs :one
-- channel_message_id <> '' lets the planner use the partial unique index.
SELECT ticket_id FROM messages WHERE tenant_id = @tenant_id AND channel_message_id = ANY(@ids::text[]) AND channel_message_id <> ''
ORDER BY created_at DESC LIMIT 1;

-- name: MessageTextByChannelID :one
SELECT body_text FROM messages WHERE tenant_id = @tenant_id AND channel_message_id = @channel_message_id AND channel_message_id <> '';

-- name: InboundGet :one
SELECT * FROM inbound_messages WHERE tenant_id = @tenant_id AND id = @id;

-- name: InboundLock :one
-- Locks a stored message for writing its outcome (without reading its bytes again).
SELECT state, error, ticket_id FROM inbound_messages WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;
