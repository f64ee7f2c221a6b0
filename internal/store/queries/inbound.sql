-- name: InboundAccept :one
INSERT INTO inbound_messages (tenant_id, source, raw_sha256, raw, account_id, marketplace_account_id)
VALUES (@tenant_id, @source, @raw_sha256, @raw, sqlc.narg(account_id), sqlc.narg(marketplace_account_id))
ON CONFLICT (tenant_id, raw_sha256) DO NOTHING
RETURNING id;

-- name: InboundFinish :exec
UPDATE inbound_messages SET state = @state, error = @error, message_id = @message_id, ticket_id = @ticket_id, processed_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: InboundRequeue :execrows
UPDATE inbound_messages SET state = 'pending', error = '', processed_at = NULL, notified_at = NULL
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
-- The attachments' hashes (of name and content: a file under another name is another attachment)
-- and the text make the content key that tells a copy from another message reusing the Message-ID.
SELECT m.channel_message_id, m.body_text, m.created_at,
    (SELECT t.number FROM tickets t WHERE t.tenant_id = m.tenant_id AND t.id = m.ticket_id)::bigint AS number,
    ARRAY(SELECT sha256(convert_to(a.name, 'UTF8') || '\x00'::bytea || a.sha256) FROM attachments a WHERE a.tenant_id = m.tenant_id AND a.message_id = m.id)::bytea[] AS attachment_hashes
FROM messages m
WHERE m.tenant_id = @tenant_id AND m.channel_message_id = ANY(@ids::text[]) AND m.channel_message_id <> '';

-- name: InboundQuarantine :execrows
-- Quarantines stored messages still waiting, with the reason processing failed.
UPDATE inbound_messages SET state = 'quarantined', error = @error, processed_at = now()
WHERE tenant_id = @tenant_id AND id = ANY(@ids::bigint[]) AND state = 'pending';

-- name: InboundQuarantineReasons :many
-- The distinct reasons of the quarantine, for "retry all with this reason".
SELECT error, count(*)::bigint AS n FROM inbound_messages
WHERE tenant_id = @tenant_id AND state = 'quarantined'
GROUP BY error ORDER BY count(*) DESC, error LIMIT 50;

-- name: InboundRequeueReason :many
UPDATE inbound_messages SET state = 'pending', error = '', processed_at = NULL, notified_at = NULL
WHERE tenant_id = @tenant_id AND state = 'quarantined' AND error = @error
RETURNING id;

-- name: InboundBacklog :one
-- The messages waiting for processing and the age of the oldest.
SELECT count(*)::bigint AS pending, coalesce(min(received_at), now())::timestamptz AS oldest FROM inbound_messages
WHERE tenant_id = @tenant_id AND state = 'pending';

-- name: InboundUnnotified :many
-- Quarantined messages the admins have not been told about yet.
SELECT id, error FROM inbound_messages
WHERE tenant_id = @tenant_id AND state = 'quarantined' AND notified_at IS NULL
ORDER BY id LIMIT 1000;

-- name: InboundMarkNotified :exec
UPDATE inbound_messages SET notified_at = now() WHERE tenant_id = @tenant_id AND id = ANY(@ids::bigint[]);

-- name: InboundRecoverable :many
-- Messages to take through the pipeline again after the duplicate rules changed: the ones waiting
-- (perhaps without a job) and the ones an older rule called duplicates.
SELECT id FROM inbound_messages
WHERE tenant_id = @tenant_id AND id > @after
  AND (state = 'pending' OR (state = 'duplicate' AND error = ANY(@reasons::text[])))
ORDER BY id LIMIT @max_rows;

-- name: InboundRequeueDuplicates :exec
UPDATE inbound_messages SET state = 'pending', error = '', processed_at = NULL, notified_at = NULL
WHERE tenant_id = @tenant_id AND id = ANY(@ids::bigint[]) AND state = 'duplicate';

-- name: OneTimeTaskClaim :execrows
-- Claims a once-per-database task; 0 rows: it was claimed before.
INSERT INTO one_time_tasks (name) VALUES (@name) ON CONFLICT DO NOTHING;
