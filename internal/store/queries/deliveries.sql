-- name: DeliveryStart :exec
-- A reply's delivery record, written with the reply ("Send and resolve" remembers the status it set).
INSERT INTO message_deliveries (tenant_id, message_id, then_status) VALUES (@tenant_id, @message_id, @then_status)
ON CONFLICT (tenant_id, message_id) DO NOTHING;

-- name: DeliveryGet :one
SELECT * FROM message_deliveries WHERE tenant_id = @tenant_id AND message_id = @message_id;

-- name: DeliveryRetry :exec
-- A transient failure: the attempt count, when the series of failures began and the next try.
INSERT INTO message_deliveries (tenant_id, message_id, attempts, retry_since, next_at)
VALUES (@tenant_id, @message_id, 1, @at, @next_at)
ON CONFLICT (tenant_id, message_id) DO UPDATE SET attempts = message_deliveries.attempts + 1,
    retry_since = coalesce(message_deliveries.retry_since, @at), next_at = @next_at;

-- name: DeliveryFailed :exec
INSERT INTO message_deliveries (tenant_id, message_id, failed_at, bounced)
VALUES (@tenant_id, @message_id, @at, @bounced)
ON CONFLICT (tenant_id, message_id) DO UPDATE SET failed_at = @at, bounced = @bounced, next_at = NULL;

-- name: DeliveryAccepted :exec
-- via names what took the reply when it was not the channel (the development mail sink).
INSERT INTO message_deliveries (tenant_id, message_id, via) VALUES (@tenant_id, @message_id, @via)
ON CONFLICT (tenant_id, message_id) DO UPDATE SET next_at = NULL, via = @via;

-- name: DeliveryReset :exec
-- A resend starts a new series: attempts, window and failure are forgotten (the audit trail keeps them).
UPDATE message_deliveries SET attempts = 0, retry_since = NULL, next_at = NULL, failed_at = NULL, bounced = false
WHERE tenant_id = @tenant_id AND message_id = @message_id;

-- name: DeliverySupersede :exec
INSERT INTO message_deliveries (tenant_id, message_id, superseded_by) VALUES (@tenant_id, @message_id, @superseded_by)
ON CONFLICT (tenant_id, message_id) DO UPDATE SET superseded_by = @superseded_by;

-- name: DeliveriesOfTicket :many
SELECT d.* FROM message_deliveries d
JOIN messages m ON m.tenant_id = d.tenant_id AND m.id = d.message_id
WHERE d.tenant_id = @tenant_id AND m.ticket_id = @ticket_id;

-- name: MessageByChannelID :one
SELECT * FROM message_rows WHERE tenant_id = @tenant_id AND channel_message_id = @channel_message_id;

-- name: MessageSetDeliveryAt :exec
-- The delivery state with the instant it happened (sent_at is when the channel accepted the reply).
UPDATE messages SET delivery_state = @delivery_state, delivery_error = @delivery_error,
    sent_at = CASE WHEN @delivery_state = 'sent' THEN @at::timestamptz ELSE sent_at END
WHERE tenant_id = @tenant_id AND id = @id;

-- name: AttachmentsCopy :exec
-- "Edit and resend" keeps the failed reply's files on the new one (the bytes are shared).
INSERT INTO attachments (tenant_id, message_id, name, content_type, size, sha256, content_id)
SELECT a.tenant_id, @to_message_id, a.name, a.content_type, a.size, a.sha256, a.content_id FROM attachments a
WHERE a.tenant_id = @tenant_id AND a.message_id = @from_message_id;
