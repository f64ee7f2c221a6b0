-- name: CalendarList :many
SELECT * FROM calendars WHERE tenant_id = @tenant_id ORDER BY is_default DESC, name, id;

-- name: CalendarGet :one
SELECT * FROM calendars WHERE tenant_id = @tenant_id AND id = @id;

-- name: CalendarDefault :one
SELECT * FROM calendars WHERE tenant_id = @tenant_id AND is_default;

-- name: CalendarCreate :one
INSERT INTO calendars (tenant_id, name, time_zone, week, holidays, closures, is_default)
VALUES (@tenant_id, @name, @time_zone, @week, @holidays, @closures, @is_default)
RETURNING *;

-- name: CalendarUpdate :execrows
UPDATE calendars SET name = @name, time_zone = @time_zone, week = @week, holidays = @holidays,
    closures = @closures, updated_at = now()
WHERE tenant_id = @tenant_id AND id = @id;

-- name: SLAPolicyList :many
SELECT * FROM sla_policies WHERE tenant_id = @tenant_id ORDER BY position, id;

-- name: SLAPolicyGet :one
SELECT * FROM sla_policies WHERE tenant_id = @tenant_id AND id = @id;

-- name: SLAPolicyByName :one
SELECT * FROM sla_policies WHERE tenant_id = @tenant_id AND name = @name;

-- name: SLAPolicyCreate :one
INSERT INTO sla_policies (tenant_id, name, preset, position, enabled, conditions, first_response, next_response,
    resolution, first_response_clock, next_response_clock, resolution_clock, calendar_id, pause_pending,
    pause_snoozed, warn_percent, hard_deadline, escalation)
VALUES (@tenant_id, @name, @preset, @position, @enabled, @conditions, sqlc.narg(first_response), sqlc.narg(next_response),
    sqlc.narg(resolution), @first_response_clock, @next_response_clock, @resolution_clock, sqlc.narg(calendar_id),
    @pause_pending, @pause_snoozed, @warn_percent, @hard_deadline, @escalation)
RETURNING *;

-- name: SLAPolicyUpdate :execrows
UPDATE sla_policies SET name = @name, position = @position, enabled = @enabled, conditions = @conditions,
    first_response = sqlc.narg(first_response), next_response = sqlc.narg(next_response), resolution = sqlc.narg(resolution),
    first_response_clock = @first_response_clock, next_response_clock = @next_response_clock,
    resolution_clock = @resolution_clock, calendar_id = sqlc.narg(calendar_id), pause_pending = @pause_pending,
    pause_snoozed = @pause_snoozed, warn_percent = @warn_percent, escalation = @escalation
WHERE tenant_id = @tenant_id AND id = @id;

-- name: SLAPolicyDelete :execrows
DELETE FROM sla_policies WHERE tenant_id = @tenant_id AND id = @id;

-- name: SLAPolicyMaxPosition :one
SELECT coalesce(max(position), 0)::integer FROM sla_policies WHERE tenant_id = @tenant_id;

-- name: TicketSetSLA :exec
UPDATE tickets SET sla_due_at = sqlc.narg(sla_due_at), sla_state = @sla_state, sla_policy_id = sqlc.narg(sla_policy_id)
WHERE tenant_id = @tenant_id AND id = @id;

-- name: TicketPinSLAPolicy :exec
UPDATE tickets SET sla_policy_id = @sla_policy_id, sla_policy_pinned = true WHERE tenant_id = @tenant_id AND id = @id;

-- name: SLATimeline :many
-- What the clocks need of a ticket's messages. A reply answers only once its channel accepted
-- it (sent, at sent_at); one still queued or sending answers nothing yet, a failed one never.
SELECT kind, automated, delivery_state = 'failed' AS failed, delivery_state IN ('queued', 'sending') AS unsent,
    no_response, created_at, sent_at
FROM messages WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id ORDER BY created_at, id;

-- name: SLAStatusHistory :many
-- why is 'reply_failed' when a failed reply took back the "Send and resolve" it came with.
SELECT (CASE e.kind WHEN 'woke' THEN 'open' ELSE e.data->>'to' END)::text AS status, e.created_at,
    coalesce(e.data->>'why', '')::text AS why
FROM ticket_events e WHERE e.tenant_id = @tenant_id AND e.ticket_id = @ticket_id AND e.kind IN ('status', 'woke')
    -- An undone status change never happened as far as the clocks go.
    AND NOT EXISTS (SELECT 1 FROM status_undos u WHERE u.tenant_id = e.tenant_id AND u.event_id = e.id AND u.undone_at IS NOT NULL)
ORDER BY e.created_at, e.id;

-- name: TicketSLAs :many
SELECT * FROM ticket_slas WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id ORDER BY metric;

-- name: TicketSLAUpsert :exec
INSERT INTO ticket_slas (tenant_id, ticket_id, metric, policy_id, started_at, target_min, due_at, warn_at, state,
    warned_at, breached_at, met_at, updated_at)
VALUES (@tenant_id, @ticket_id, @metric, sqlc.narg(policy_id), @started_at, @target_min, sqlc.narg(due_at), sqlc.narg(warn_at),
    @state, sqlc.narg(warned_at), sqlc.narg(breached_at), sqlc.narg(met_at), now())
ON CONFLICT (tenant_id, ticket_id, metric) DO UPDATE SET policy_id = excluded.policy_id, started_at = excluded.started_at,
    target_min = excluded.target_min, due_at = excluded.due_at, warn_at = excluded.warn_at, state = excluded.state,
    warned_at = excluded.warned_at, breached_at = excluded.breached_at, met_at = excluded.met_at, updated_at = now();

-- name: TicketSLADelete :exec
DELETE FROM ticket_slas WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND metric = @metric;

-- name: TicketSLAForUpdate :one
SELECT * FROM ticket_slas WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND metric = @metric FOR UPDATE;

-- name: TicketSLAMarkBreached :exec
UPDATE ticket_slas SET state = 'breached', breached_at = @at, updated_at = now()
WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND metric = @metric;

-- name: TicketSLAMarkWarned :exec
UPDATE ticket_slas SET warned_at = @at, updated_at = now()
WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND metric = @metric;

-- name: SLARecordAdd :exec
INSERT INTO sla_records (tenant_id, ticket_id, metric, channel, marketplace, started_at, due_at, finished_at, outcome)
VALUES (@tenant_id, @ticket_id, @metric, @channel, @marketplace, @started_at, sqlc.narg(due_at), @finished_at, @outcome);

-- name: MessageSetNoResponse :exec
UPDATE messages SET no_response = @no_response WHERE tenant_id = @tenant_id AND id = @id;

-- name: SLAResponseStats :many
-- Finished response targets of one channel since a time, for the marketplace metrics.
SELECT outcome, started_at, finished_at, due_at FROM sla_records
WHERE tenant_id = @tenant_id AND channel = @channel AND metric IN ('first_response', 'next_response')
  AND finished_at >= @since ORDER BY finished_at;

-- name: SLARunningResponses :many
-- Response targets still waiting on one channel, for the projection.
SELECT s.started_at, s.due_at, s.state FROM ticket_slas s
JOIN tickets t ON t.tenant_id = s.tenant_id AND t.id = s.ticket_id
WHERE s.tenant_id = @tenant_id AND t.channel = @channel AND s.metric IN ('first_response', 'next_response')
  AND s.state IN ('running', 'breached', 'paused');

-- name: TicketSLAView :many
-- The ticket page's SLA box: each target with its policy's name and the marketplace's deadline.
SELECT s.metric, s.state, s.started_at, s.due_at, s.met_at, s.breached_at, s.target_min,
    coalesce(p.name, '')::text AS policy, coalesce(p.hard_deadline, '')::text AS hard_deadline
FROM ticket_slas s LEFT JOIN sla_policies p ON p.tenant_id = s.tenant_id AND p.id = s.policy_id
WHERE s.tenant_id = @tenant_id AND s.ticket_id = @ticket_id
ORDER BY array_position(ARRAY['first_response', 'next_response', 'resolution'], s.metric);

-- name: SLARecordTakeBack :exec
-- A reply that failed after it met a target answered nothing: its record goes, the target runs again.
DELETE FROM sla_records WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND metric = @metric AND started_at = @started_at;

-- name: SLARecordSettleSkipped :exec
-- A target closed as skipped when its ticket was resolved with the reply still on its way, whose
-- reply the channel then accepted: it was answered, met or late by its own due time.
UPDATE sla_records SET finished_at = @finished_at,
    outcome = CASE WHEN due_at IS NOT NULL AND @finished_at::timestamptz > due_at THEN 'breached' ELSE 'met' END
WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND metric = @metric AND started_at = @started_at AND outcome = 'skipped';
