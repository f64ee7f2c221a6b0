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

-- name: TeamForUpdate :one
-- Routing within a team is serialised on the team row, so two tickets never take one free slot.
SELECT * FROM teams WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: TeamList :many
SELECT * FROM teams WHERE tenant_id = @tenant_id ORDER BY tier, name;

-- name: TeamByTier :one
SELECT * FROM teams WHERE tenant_id = @tenant_id AND tier = @tier ORDER BY name LIMIT 1;

-- name: TicketLock :exec
SELECT 1 FROM tickets WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;

-- name: TeamCreate :one
INSERT INTO teams (tenant_id, name, tier, assignment, calendar_id)
VALUES (@tenant_id, @name, @tier, @assignment, sqlc.narg(calendar_id)) RETURNING *;

-- name: TeamUpdate :execrows
UPDATE teams SET name = @name, tier = @tier, assignment = @assignment, calendar_id = sqlc.narg(calendar_id)
WHERE tenant_id = @tenant_id AND id = @id;

-- name: TeamMemberSet :exec
INSERT INTO team_members (tenant_id, team_id, user_id, capacity, languages, marketplaces, channels)
VALUES (@tenant_id, @team_id, @user_id, @capacity, @languages, @marketplaces, @channels)
ON CONFLICT (tenant_id, team_id, user_id) DO UPDATE SET capacity = excluded.capacity,
    languages = excluded.languages, marketplaces = excluded.marketplaces, channels = excluded.channels;

-- name: TeamMemberRemove :execrows
DELETE FROM team_members WHERE tenant_id = @tenant_id AND team_id = @team_id AND user_id = @user_id;

-- name: TeamMembers :many
SELECT tm.user_id, tm.capacity, tm.languages, tm.marketplaces, m.availability, tm.channels, u.name, u.email
FROM team_members tm
JOIN memberships m ON m.tenant_id = tm.tenant_id AND m.user_id = tm.user_id
JOIN users u ON u.id = tm.user_id
WHERE tm.tenant_id = @tenant_id AND tm.team_id = @team_id
ORDER BY u.name, tm.user_id;

-- name: TeamCandidates :many
-- A team's members with what routing weighs: availability, channel access, skills, and how many
-- open tickets each holds (in the ticket's channel and in all).
SELECT tm.user_id, tm.capacity, tm.languages, tm.marketplaces, m.availability, tm.channels,
    (SELECT count(*) FROM tickets t WHERE t.tenant_id = tm.tenant_id AND t.assignee_id = tm.user_id
        AND t.status IN ('open', 'pending') AND t.merged_into IS NULL)::integer AS load_all,
    (SELECT count(*) FROM tickets t WHERE t.tenant_id = tm.tenant_id AND t.assignee_id = tm.user_id
        AND t.status IN ('open', 'pending') AND t.merged_into IS NULL AND t.channel = @channel)::integer AS load_channel
FROM team_members tm
JOIN memberships m ON m.tenant_id = tm.tenant_id AND m.user_id = tm.user_id
WHERE tm.tenant_id = @tenant_id AND tm.team_id = @team_id
ORDER BY tm.user_id;

-- name: TeamQueue :many
-- Tickets waiting in a team's queue, oldest first.
SELECT id FROM tickets
WHERE tenant_id = @tenant_id AND team_id = @team_id AND assignee_id IS NULL
  AND status IN ('open', 'pending') AND merged_into IS NULL
ORDER BY created_at, id
LIMIT @max
FOR UPDATE SKIP LOCKED;

-- name: TeamSetLastAssigned :exec
UPDATE teams SET last_assigned = @user_id WHERE tenant_id = @tenant_id AND id = @id;

-- name: TeamsOfMember :many
-- In id order, so transactions that drain several teams lock them in the same order.
SELECT team_id FROM team_members WHERE tenant_id = @tenant_id AND user_id = @user_id ORDER BY team_id;

-- name: MembershipSetAvailability :execrows
UPDATE memberships SET availability = @availability WHERE tenant_id = @tenant_id AND user_id = @user_id;

-- name: MemberMayWorkChannel :one
-- Channel access (migration 000020): a ticket of a team the person is in follows their channels in
-- that team; any other ticket is open to a person in no team, or to one with the channel (or no
-- limit) in at least one of their teams. An empty list means all channels.
SELECT CASE
    WHEN EXISTS (SELECT 1 FROM team_members x WHERE x.tenant_id = @tenant_id AND x.user_id = @user_id
                 AND x.team_id = sqlc.narg(team_id)::uuid)
    THEN EXISTS (SELECT 1 FROM team_members x WHERE x.tenant_id = @tenant_id AND x.user_id = @user_id
                 AND x.team_id = sqlc.narg(team_id)::uuid AND (cardinality(x.channels) = 0 OR @channel::text = ANY (x.channels)))
    ELSE NOT EXISTS (SELECT 1 FROM team_members x WHERE x.tenant_id = @tenant_id AND x.user_id = @user_id)
      OR EXISTS (SELECT 1 FROM team_members x WHERE x.tenant_id = @tenant_id AND x.user_id = @user_id
                 AND (cardinality(x.channels) = 0 OR @channel::text = ANY (x.channels)))
END::boolean AS allowed;

-- name: HumanReplySince :one
SELECT EXISTS (SELECT 1 FROM messages WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND kind = 'outbound'
    AND NOT automated AND delivery_state <> 'failed' AND created_at >= @since)::boolean;

-- name: TicketByIDForUpdate :one
SELECT * FROM ticket_rows WHERE tenant_id = @tenant_id AND id = @id FOR UPDATE;
