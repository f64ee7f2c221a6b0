-- name: StatusUndoCreate :one
-- Taken under the ticket's lock before the status changes: what an undo puts back.
INSERT INTO status_undos (tenant_id, ticket_id, user_id, from_status, snoozed_until, resolved_at, sla_due_at, sla_state,
    sla_policy_id, slas, records, expires_at)
SELECT t.tenant_id, t.id, @user_id, t.status, t.snoozed_until, t.resolved_at, t.sla_due_at, t.sla_state, t.sla_policy_id,
    coalesce((SELECT jsonb_agg(to_jsonb(s) ORDER BY s.metric) FROM ticket_slas s WHERE s.tenant_id = t.tenant_id AND s.ticket_id = t.id), '[]'::jsonb),
    coalesce((SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id) FROM sla_records r WHERE r.tenant_id = t.tenant_id AND r.ticket_id = t.id), '[]'::jsonb),
    @expires_at
FROM tickets t WHERE t.tenant_id = @tenant_id AND t.id = @ticket_id
RETURNING id;

-- name: StatusUndoSettle :exec
-- After the change and everything automation did because of it: the change's status event and
-- where the ticket stood then.
UPDATE status_undos u SET
    event_id = (SELECT max(e.id) FROM ticket_events e WHERE e.tenant_id = u.tenant_id AND e.ticket_id = u.ticket_id AND e.kind = 'status'),
    last_event_id = (SELECT max(e.id) FROM ticket_events e WHERE e.tenant_id = u.tenant_id AND e.ticket_id = u.ticket_id),
    message_count = (SELECT t.message_count FROM tickets t WHERE t.tenant_id = u.tenant_id AND t.id = u.ticket_id)
WHERE u.tenant_id = @tenant_id AND u.id = @id;

-- name: StatusUndoPrune :exec
-- Undos never used and past their time are of no use; undone ones stay (the SLA trail reads them).
DELETE FROM status_undos WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id AND undone_at IS NULL AND expires_at < @now;

-- name: StatusUndoGet :one
SELECT * FROM status_undos WHERE tenant_id = @tenant_id AND id = @id AND ticket_id = @ticket_id FOR UPDATE;

-- name: TicketLastEventID :one
SELECT coalesce(max(id), 0)::bigint FROM ticket_events WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id;

-- name: StatusUndoRestoreTicket :exec
UPDATE tickets t SET status = @status, snoozed_until = sqlc.narg(snoozed_until), resolved_at = u.resolved_at,
    sla_due_at = u.sla_due_at, sla_state = u.sla_state, sla_policy_id = u.sla_policy_id, updated_at = now()
FROM status_undos u
WHERE u.tenant_id = @tenant_id AND u.id = @id AND t.tenant_id = u.tenant_id AND t.id = u.ticket_id;

-- name: StatusUndoRestoreSLAs :exec
-- The target rows exactly as they were (warned, breached and met times included), after
-- StatusUndoDeleteSLAs.
INSERT INTO ticket_slas (tenant_id, ticket_id, metric, policy_id, started_at, target_min, due_at, warn_at, state,
    warned_at, breached_at, met_at, updated_at)
SELECT u.tenant_id, u.ticket_id, r.metric, r.policy_id, r.started_at, r.target_min, r.due_at, r.warn_at, r.state,
    r.warned_at, r.breached_at, r.met_at, r.updated_at
FROM status_undos u, jsonb_to_recordset(u.slas) AS r(metric text, policy_id uuid, started_at timestamptz, target_min integer,
    due_at timestamptz, warn_at timestamptz, state text, warned_at timestamptz, breached_at timestamptz, met_at timestamptz,
    updated_at timestamptz)
WHERE u.tenant_id = @tenant_id AND u.id = @id;

-- name: StatusUndoDeleteSLAs :exec
DELETE FROM ticket_slas WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id;

-- name: StatusUndoDeleteRecords :exec
DELETE FROM sla_records WHERE tenant_id = @tenant_id AND ticket_id = @ticket_id;

-- name: StatusUndoRestoreRecords :exec
-- The finished targets exactly as they were, under their own ids (the records the change added
-- are gone with the delete before this).
INSERT INTO sla_records (tenant_id, id, ticket_id, metric, channel, marketplace, started_at, due_at, finished_at, outcome)
OVERRIDING SYSTEM VALUE
SELECT u.tenant_id, r.id, u.ticket_id, r.metric, r.channel, r.marketplace, r.started_at, r.due_at, r.finished_at, r.outcome
FROM status_undos u, jsonb_to_recordset(u.records) AS r(id bigint, metric text, channel text, marketplace text,
    started_at timestamptz, due_at timestamptz, finished_at timestamptz, outcome text)
WHERE u.tenant_id = @tenant_id AND u.id = @id;

-- name: StatusUndoDone :exec
UPDATE status_undos SET undone_at = @now WHERE tenant_id = @tenant_id AND id = @id;
