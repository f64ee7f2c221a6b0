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

-- name: InboundGet :one
SELECT * FROM inbound_messages WHERE tenant_id = @tenant_id AND id = @id;

-- name: InboundLock :one
-- Locks a stored message for writing its outcome (without reading its bytes again).
SELECT state, error, ticket_id FROM inbound_messages WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: MessagesByChannelIDs :many
-- Everything the pipeline needs to know about Message-IDs in one round trip: whether the message
-- is stored already (and with what text), and which ticket the ids it answers belong to.
-- The ticket number is a per-row lookup by key: a join let generic plans scan the workspace's tickets.
SELECT m.channel_message_id, m.body_text, m.created_at,
    (SELECT t.number FROM tickets t WHERE t.tenant_id = m.tenant_id AND t.id = m.ticket_id)::bigint AS number
FROM messages m
WHERE m.tenant_id = @tenant_id AND m.channel_message_id = ANY(@ids::text[]) AND m.channel_message_id <> '';
