-- name: RuleFacts :one
-- Everything rule conditions and SLA policy conditions test, in one round trip. The message is the
-- one that triggered the evaluation, else the ticket's latest customer message.
SELECT t.channel, t.marketplace, t.store, t.subject, t.priority, t.status, t.tags, t.presale, t.language,
    t.team_id, t.assignee_id, t.customer_id, t.created_at, t.last_customer_at,
    c.tags AS customer_tags,
    coalesce(m.from_address, '')::text AS sender, coalesce(m.body_text, '')::text AS body,
    coalesce(o.n, 0)::bigint AS order_count, coalesce(o.max_amount, 0)::bigint AS order_amount_minor,
    coalesce(o.statuses, '{}')::text[] AS order_statuses
FROM tickets t
JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
LEFT JOIN LATERAL (
    SELECT from_address, body_text FROM messages mm
    WHERE mm.tenant_id = t.tenant_id AND mm.ticket_id = t.id AND mm.kind = 'inbound'
      AND (sqlc.narg(message_id)::bigint IS NULL OR mm.id = sqlc.narg(message_id)::bigint)
    ORDER BY mm.created_at DESC, mm.id DESC LIMIT 1
) m ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n, max(amount_minor) AS max_amount, array_agg(DISTINCT status) AS statuses
    FROM orders oo WHERE oo.tenant_id = t.tenant_id AND oo.customer_id = t.customer_id
) o ON true
WHERE t.tenant_id = @tenant_id AND t.id = @ticket_id;

-- name: RuleList :many
SELECT * FROM rules WHERE tenant_id = @tenant_id ORDER BY position, id;

-- name: RulesEnabled :many
SELECT * FROM rules WHERE tenant_id = @tenant_id AND enabled ORDER BY position, id;

-- name: RuleGet :one
SELECT * FROM rules WHERE tenant_id = @tenant_id AND id = @id;

-- name: RuleCreate :one
INSERT INTO rules (tenant_id, name, position, enabled, trigger, minutes, conditions, actions, stop)
VALUES (@tenant_id, @name, @position, @enabled, @trigger, @minutes, @conditions, @actions, @stop)
RETURNING *;

-- name: RuleUpdate :execrows
UPDATE rules SET name = @name, position = @position, enabled = @enabled, trigger = @trigger, minutes = @minutes,
    conditions = @conditions, actions = @actions, stop = @stop, updated_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: RuleSetEnabled :execrows
UPDATE rules SET enabled = @enabled, updated_at = now() WHERE tenant_id = @tenant_id AND id = @id;

-- name: RuleDelete :execrows
DELETE FROM rules WHERE tenant_id = @tenant_id AND id = @id;

-- name: RuleMaxPosition :one
SELECT coalesce(max(position), 0)::integer FROM rules WHERE tenant_id = @tenant_id;

-- name: TicketSetPresale :exec
UPDATE tickets SET presale = @presale WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketSetLanguage :exec
UPDATE tickets SET language = @language WHERE tenant_id = @tenant_id AND id = @id AND language = '';

-- name: TeamGet :one
SELECT * FROM teams WHERE tenant_id = @tenant_id AND id = @id;

-- name: TeamList :many
SELECT * FROM teams WHERE tenant_id = @tenant_id ORDER BY tier, name;

-- name: TeamByTier :one
SELECT * FROM teams WHERE tenant_id = @tenant_id AND tier = @tier ORDER BY name LIMIT 1;
