-- name: TicketNextNumbers :one
-- Takes the workspace's next n ticket numbers; the last of them is returned.
INSERT INTO ticket_counters AS c (tenant_id, last) VALUES (@tenant_id, @n::bigint)
ON CONFLICT (tenant_id) DO UPDATE SET last = c.last + @n::bigint
RETURNING last;

-- name: TicketCreate :one
-- A ticket is born with its first customer message: the summary columns are written here, so
-- the new row is not updated again in the same transaction.
INSERT INTO tickets (tenant_id, number, channel, marketplace, store, subject, customer_id, status, priority,
    tags, language, presale, sla_due_at, created_at, updated_at, last_message_at, search_tsv, email_account_id,
    message_count, last_customer_at, snippet)
VALUES (@tenant_id, @number, @channel, @marketplace, @store, @subject, @customer_id, @status, @priority,
    @tags, @language, @presale, @sla_due_at, @created_at, @created_at, @created_at, search_vector(@tenant_id, @terms::text[]),
    sqlc.narg(email_account_id), 1, @created_at, left(regexp_replace(@first_text::text, '\s+', ' ', 'g'), 160))
RETURNING id;

-- name: TicketByNumber :one
SELECT * FROM ticket_rows WHERE tenant_id = @tenant_id AND number = @number;

-- name: TicketByID :one
SELECT * FROM ticket_rows WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketForUpdate :one
SELECT * FROM ticket_rows WHERE tenant_id = @tenant_id AND number = @number FOR UPDATE;

-- name: TicketsByNumbersForUpdate :many
SELECT * FROM ticket_rows WHERE tenant_id = @tenant_id AND number = ANY(@numbers::bigint[]) ORDER BY id FOR UPDATE;

-- name: TicketSetAssignee :exec
UPDATE tickets SET assignee_id = @assignee_id, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketSetTeam :exec
UPDATE tickets SET team_id = @team_id, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketSetStatus :exec
UPDATE tickets SET status = @status, snoozed_until = @snoozed_until,
    resolved_at = CASE WHEN @status IN ('resolved', 'closed') THEN coalesce(resolved_at, now()) ELSE NULL END,
    updated_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketSetPriority :exec
UPDATE tickets SET priority = @priority, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketSetTags :exec
UPDATE tickets SET tags = @tags, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketSetCategory :exec
UPDATE tickets SET category = @category, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketSetSearch :exec
UPDATE tickets SET search_tsv = search_vector(@tenant_id, @terms::text[]) WHERE tenant_id = @tenant_id AND id = @id;

-- Recomputes the denormalised thread summary from the messages themselves.
-- name: TicketAddInbound :exec
-- A customer message added: the summary moves forward without reading the thread again (the
-- recount of TicketRefreshSummary is for changes that remove or move messages).
UPDATE tickets SET
    message_count = message_count + 1,
    last_message_at = greatest(last_message_at, @at::timestamptz),
    last_customer_at = greatest(coalesce(last_customer_at, @at::timestamptz), @at::timestamptz),
    snippet = CASE WHEN @at::timestamptz >= last_message_at OR message_count = 0
        THEN left(regexp_replace(@body::text, '\s+', ' ', 'g'), 160) ELSE snippet END,
    updated_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketRefreshSummary :exec
UPDATE tickets t SET
    message_count = s.n,
    last_message_at = coalesce(s.last_at, t.created_at),
    last_customer_at = s.last_customer_at,
    first_reply_at = s.first_reply_at,
    snippet = coalesce(s.snippet, ''),
    updated_at = now()
FROM (
    SELECT count(*) FILTER (WHERE m.kind <> 'note') AS n,
           max(m.created_at) FILTER (WHERE m.kind <> 'note') AS last_at,
           max(m.created_at) FILTER (WHERE m.kind = 'inbound') AS last_customer_at,
           -- The first reply the customer got: accepted by its channel (failed and not yet
           -- accepted replies are no reply at all), at the moment it was accepted.
           min(coalesce(m.sent_at, m.created_at)) FILTER (WHERE m.kind = 'outbound' AND NOT m.automated
               AND m.delivery_state IN ('sent', '')) AS first_reply_at,
           (SELECT left(regexp_replace(m2.body_text, '\s+', ' ', 'g'), 160) FROM messages m2
             WHERE m2.tenant_id = @tenant_id AND m2.ticket_id = @id AND m2.kind <> 'note'
             ORDER BY m2.created_at DESC, m2.id DESC LIMIT 1) AS snippet
    FROM messages m WHERE m.tenant_id = @tenant_id AND m.ticket_id = @id
) s
WHERE t.tenant_id = @tenant_id AND t.id = @id;

-- name: TicketSetMergedInto :exec
UPDATE tickets SET merged_into = @merged_into, status = @status, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketRestore :exec
UPDATE tickets SET merged_into = NULL, status = @status, assignee_id = @assignee_id, priority = @priority,
    tags = @tags, resolved_at = @resolved_at, snoozed_until = @snoozed_until, updated_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketsOfCustomer :many
SELECT id, number, subject, status, channel, created_at FROM tickets
WHERE tenant_id = @tenant_id AND customer_id = @customer_id AND id <> @except_id AND merged_into IS NULL
ORDER BY created_at DESC, id DESC LIMIT 10;

-- name: TicketOpenOfCustomer :many
SELECT id, number, subject FROM tickets
WHERE tenant_id = @tenant_id AND customer_id = @customer_id AND id <> @except_id AND merged_into IS NULL
  AND status IN ('open', 'pending', 'snoozed')
ORDER BY created_at DESC, id DESC LIMIT 5;

-- name: TicketsSameSubject :many
-- The same customer's recent tickets whose subject matches once reply and forward prefixes are
-- taken off: a customer who wrote a new mail instead of answering. Only a suggestion; tickets are
-- never merged on this alone.
SELECT id, number, subject, status FROM tickets
WHERE tenant_id = @tenant_id AND customer_id = @customer_id AND id <> @except_id AND merged_into IS NULL
  AND created_at > @since
  AND regexp_replace(lower(subject), '^(\s*(re|fw|fwd|aw|wg|sv|vs|antw|rif|r|tr|답장|전달)\s*(\[\d+\])?\s*:\s*)+', '')
    = regexp_replace(lower(@subject::text), '^(\s*(re|fw|fwd|aw|wg|sv|vs|antw|rif|r|tr|답장|전달)\s*(\[\d+\])?\s*:\s*)+', '')
ORDER BY created_at DESC, id DESC LIMIT 3;

-- name: TicketMarkRead :exec
INSERT INTO ticket_reads (tenant_id, ticket_id, user_id, read_at) VALUES (@tenant_id, @ticket_id, @user_id, now())
ON CONFLICT (tenant_id, ticket_id, user_id) DO UPDATE SET read_at = now();

-- name: EventAdd :exec
INSERT INTO ticket_events (tenant_id, ticket_id, actor_user_id, kind, data) VALUES (@tenant_id, @ticket_id, @actor_user_id, @kind, @data);

-- name: EventsOfTicket :many
SELECT * FROM ticket_events WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id ORDER BY created_at, id LIMIT 500;

-- name: MessageCreate :one
INSERT INTO messages (tenant_id, ticket_id, kind, author_user_id, author_customer_id, from_address, body_text, body_html,
    channel_message_id, automated, delivery_state, created_at, search_tsv)
VALUES (@tenant_id, @ticket_id, @kind, @author_user_id, @author_customer_id, @from_address, @body_text, @body_html,
    @channel_message_id, @automated, @delivery_state, @created_at, search_vector(@tenant_id, @terms::text[]))
RETURNING id;

-- name: MessagesOfTicket :many
SELECT * FROM message_rows WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id ORDER BY created_at, id LIMIT 1000;

-- name: MessageGet :one
SELECT * FROM message_rows WHERE tenant_id = @tenant_id AND id = @id;

-- name: MessageForUpdate :one
SELECT * FROM message_rows WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: MessageSetDelivery :exec
UPDATE messages SET delivery_state = @delivery_state, delivery_error = @delivery_error,
    sent_at = CASE WHEN @delivery_state = 'sent' THEN now() ELSE sent_at END
WHERE tenant_id = @tenant_id AND id = @id;

-- name: MessageStartDelivery :exec
-- The last failure's reason stays while it is tried again (the reply shows it until an outcome).
UPDATE messages SET delivery_state = 'sending', delivery_started_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: MessageSetChannelID :exec
UPDATE messages SET channel_message_id = @channel_message_id WHERE tenant_id = @tenant_id AND id = @id AND channel_message_id = '';

-- name: ThreadChannelIDs :many
-- The Message-IDs of a ticket's mail, newest first, for a reply's In-Reply-To and References.
SELECT channel_message_id, kind FROM messages
WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND channel_message_id <> '' AND kind <> 'note'
ORDER BY created_at DESC, id DESC LIMIT 20;

-- name: MessagesMove :exec
UPDATE messages SET ticket_id = @to_ticket WHERE tenant_id = @tenant_id AND id = ANY(@ids::bigint[]);

-- name: MessageIDsOfTicket :many
SELECT id FROM messages WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id ORDER BY id;

-- name: MergeCreate :one
INSERT INTO ticket_merges (tenant_id, source_id, target_id, message_ids, source_before, target_before, merged_by)
VALUES (@tenant_id, @source_id, @target_id, @message_ids, @source_before, @target_before, @merged_by)
RETURNING *;

-- name: MergeGetForUpdate :one
SELECT * FROM ticket_merges WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: MergeUndone :exec
UPDATE ticket_merges SET undone_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: MergeLatestOfSource :one
SELECT * FROM ticket_merges WHERE tenant_id = @tenant_id AND source_id = @source_id AND undone_at IS NULL
ORDER BY id DESC LIMIT 1;

-- name: NotificationsUnread :many
SELECT n.*, t.number, t.subject FROM notifications n JOIN tickets t ON t.tenant_id = n.tenant_id AND t.id = n.ticket_id
WHERE n.tenant_id = @tenant_id AND n.user_id = @user_id AND n.read_at IS NULL
ORDER BY n.created_at DESC LIMIT 50;

-- name: MembersForMention :many
SELECT m.user_id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.tenant_id = @tenant_id ORDER BY lower(u.name), u.id;

-- name: MergeLatestOfTarget :one
SELECT * FROM ticket_merges WHERE tenant_id = @tenant_id AND target_id = @target_id AND undone_at IS NULL
ORDER BY id DESC LIMIT 1;

-- name: BlobPut :exec
INSERT INTO blobs (tenant_id, sha256, data) VALUES (@tenant_id, @sha256, @data) ON CONFLICT DO NOTHING;

-- name: BlobGet :one
SELECT data FROM blobs WHERE tenant_id = @tenant_id AND sha256 = @sha256;

-- name: AttachmentAdd :exec
INSERT INTO attachments (tenant_id, message_id, name, content_type, size, sha256, content_id)
VALUES (@tenant_id, @message_id, @name, @content_type, @size, @sha256, @content_id);

-- name: MessageHTML :one
SELECT m.id, m.body_html FROM messages m JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
WHERE m.tenant_id = @tenant_id AND m.id = @id AND t.number = @number;

-- name: AttachmentsOfMessage :many
SELECT id, content_id FROM attachments WHERE tenant_id = @tenant_id AND message_id = @message_id AND content_id <> '';

-- name: AttachmentsOfTicket :many
SELECT a.* FROM attachments a JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
WHERE a.tenant_id = @tenant_id AND m.ticket_id = @ticket_id ORDER BY a.id;

-- name: AttachmentGet :one
SELECT a.* FROM attachments a JOIN messages m ON m.tenant_id = a.tenant_id AND m.id = a.message_id
JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
WHERE a.tenant_id = @tenant_id AND a.id = @id AND t.number = @number;

-- name: EventCountOfKind :one
SELECT count(*) FROM ticket_events WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND kind = @kind;

-- name: CustomerEmailsMove :exec
UPDATE customer_emails SET customer_id = @to_customer WHERE tenant_id = @tenant_id AND email = ANY(@emails::text[]);

-- name: CustomerIdentitiesMove :exec
UPDATE customer_identities SET customer_id = @to_customer
WHERE tenant_id = @tenant_id AND (channel || chr(31) || external_id) = ANY(@keys::text[]);

-- name: NotificationsReadForTicket :exec
UPDATE notifications SET read_at = now()
WHERE tenant_id = @tenant_id AND user_id = @user_id AND ticket_id = @ticket_id AND read_at IS NULL;

-- name: AttachmentsWithData :many
SELECT a.name, a.content_type, b.data FROM attachments a
JOIN blobs b ON b.tenant_id = a.tenant_id AND b.sha256 = a.sha256
WHERE a.tenant_id = @tenant_id AND a.message_id = @message_id ORDER BY a.id;

-- name: MemberName :one
SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = @tenant_id AND m.user_id = @user_id;
