-- Adds a notice unless the person muted its kind. A grouped notice (group_key) joins the person's
-- unread notice of the same group instead, adding its ticket.
-- name: NotificationPut :execrows
INSERT INTO notifications (tenant_id, user_id, kind, ticket_id, message_id, actor_id, group_key, tickets)
SELECT @tenant_id::uuid, @user_id::uuid, @kind::text, sqlc.narg(ticket_id)::bigint, sqlc.narg(message_id)::bigint,
    sqlc.narg(actor_id)::uuid, sqlc.narg(group_key)::text, @tickets::bigint[]
WHERE NOT EXISTS (SELECT 1 FROM member_prefs p WHERE p.tenant_id = @tenant_id::uuid AND p.user_id = @user_id::uuid AND @kind::text = ANY(p.muted))
ON CONFLICT (tenant_id, user_id, group_key) WHERE group_key IS NOT NULL AND read_at IS NULL
DO UPDATE SET tickets = CASE WHEN notifications.tickets @> EXCLUDED.tickets THEN notifications.tickets
    ELSE notifications.tickets || EXCLUDED.tickets END;

-- The bell: one count over the unread partial index, stopped at 100.
-- name: NotificationUnreadCount :one
SELECT count(*) FROM (SELECT 1 FROM notifications
    WHERE tenant_id = @tenant_id AND user_id = @user_id AND read_at IS NULL LIMIT 100) s;

-- A page of the person's notices, newest first, from before the id given (keyset).
-- name: NotificationPage :many
SELECT n.id, n.kind, n.ticket_id, n.actor_id, n.created_at, n.read_at, n.tickets,
    t.number AS ticket_number, t.subject AS ticket_subject, u.name AS actor_name
FROM notifications n
LEFT JOIN tickets t ON t.tenant_id = n.tenant_id AND t.id = n.ticket_id
LEFT JOIN users u ON u.id = n.actor_id
WHERE n.tenant_id = @tenant_id AND n.user_id = @user_id AND n.id < @before
ORDER BY n.id DESC LIMIT @lim;

-- name: NotificationGet :one
SELECT n.id, n.kind, n.ticket_id, n.tickets, t.number AS ticket_number
FROM notifications n LEFT JOIN tickets t ON t.tenant_id = n.tenant_id AND t.id = n.ticket_id
WHERE n.tenant_id = @tenant_id AND n.user_id = @user_id AND n.id = @id;

-- name: NotificationMarkRead :execrows
UPDATE notifications SET read_at = now()
WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id AND read_at IS NULL;

-- Up to the newest notice the person saw, so one arriving meanwhile stays unread.
-- name: NotificationMarkAllRead :execrows
UPDATE notifications SET read_at = now()
WHERE tenant_id = @tenant_id AND user_id = @user_id AND read_at IS NULL AND id <= @upto;

-- name: MemberPrefsGet :one
SELECT muted, mail_muted, digest FROM member_prefs WHERE tenant_id = @tenant_id AND user_id = @user_id;

-- name: MemberPrefsSave :exec
INSERT INTO member_prefs (tenant_id, user_id, muted, mail_muted, digest) VALUES (@tenant_id, @user_id, @muted, @mail_muted, @digest)
ON CONFLICT (tenant_id, user_id) DO UPDATE SET muted = EXCLUDED.muted, mail_muted = EXCLUDED.mail_muted, digest = EXCLUDED.digest;

-- Whether the person turned off e-mail for a kind (escalations: 'rule').
-- name: MemberMailMuted :one
SELECT EXISTS (SELECT 1 FROM member_prefs WHERE tenant_id = @tenant_id AND user_id = @user_id AND @kind::text = ANY(mail_muted));

-- People of the workspace whose digest is due and who have unread notices not yet mailed.
-- name: DigestDue :many
SELECT p.user_id FROM member_prefs p
WHERE p.tenant_id = @tenant_id AND p.digest <> 'off'
  AND (p.digest_at IS NULL OR (p.digest = 'hourly' AND p.digest_at <= @hourly_before::timestamptz)
       OR (p.digest = 'daily' AND p.digest_at <= @daily_before::timestamptz))
  AND EXISTS (SELECT 1 FROM notifications n WHERE n.tenant_id = p.tenant_id AND n.user_id = p.user_id
              AND n.read_at IS NULL AND n.mailed_at IS NULL
              AND (CASE WHEN n.kind = 'sla' THEN 'rule' ELSE n.kind END) <> ALL (p.mail_muted))
ORDER BY p.user_id;

-- Locks the person's digest while it is claimed; another worker skips them.
-- name: DigestLock :one
SELECT digest, digest_at FROM member_prefs p
WHERE p.tenant_id = @tenant_id AND p.user_id = @user_id AND p.digest <> 'off'
  AND (p.digest_at IS NULL OR (p.digest = 'hourly' AND p.digest_at <= @hourly_before::timestamptz)
       OR (p.digest = 'daily' AND p.digest_at <= @daily_before::timestamptz))
FOR UPDATE SKIP LOCKED;

-- Claims the unread notices not yet mailed (marked before the mail leaves: never mailed twice).
-- name: DigestClaim :many
WITH c AS (
    UPDATE notifications n SET mailed_at = @now::timestamptz
    WHERE n.tenant_id = @tenant_id AND n.user_id = @user_id AND n.id IN (
        SELECT m.id FROM notifications m WHERE m.tenant_id = @tenant_id AND m.user_id = @user_id
          AND m.read_at IS NULL AND m.mailed_at IS NULL
          -- kinds the person does not want mailed stay out (escalations are muted as 'rule')
          AND (CASE WHEN m.kind = 'sla' THEN 'rule' ELSE m.kind END) <> ALL (
              coalesce((SELECT p.mail_muted FROM member_prefs p WHERE p.tenant_id = @tenant_id AND p.user_id = @user_id), '{}'::text[]))
        ORDER BY m.id LIMIT 100)
    RETURNING n.id, n.kind, n.ticket_id, n.tickets, n.created_at, n.actor_id
)
SELECT c.id, c.kind, c.ticket_id, c.tickets, c.created_at, t.number AS ticket_number, t.subject AS ticket_subject, u.name AS actor_name
FROM c LEFT JOIN tickets t ON t.tenant_id = @tenant_id AND t.id = c.ticket_id
LEFT JOIN users u ON u.id = c.actor_id
ORDER BY c.id;

-- name: DigestStamp :exec
UPDATE member_prefs SET digest_at = @now WHERE tenant_id = @tenant_id AND user_id = @user_id;

-- A digest that could not be sent gives its notices back.
-- name: DigestRelease :exec
UPDATE notifications SET mailed_at = NULL
WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = ANY(@ids::bigint[]) AND mailed_at = @claimed_at;

-- name: SignaturesOf :many
SELECT channel, body FROM signatures WHERE tenant_id = @tenant_id AND user_id = @user_id ORDER BY channel;

-- name: SignatureGet :one
SELECT body FROM signatures WHERE tenant_id = @tenant_id AND user_id = @user_id AND channel = @channel;

-- name: SignaturePut :exec
INSERT INTO signatures (tenant_id, user_id, channel, body) VALUES (@tenant_id, @user_id, @channel, @body)
ON CONFLICT (tenant_id, user_id, channel) DO UPDATE SET body = EXCLUDED.body;

-- name: SignatureDelete :exec
DELETE FROM signatures WHERE tenant_id = @tenant_id AND user_id = @user_id AND channel = @channel;
