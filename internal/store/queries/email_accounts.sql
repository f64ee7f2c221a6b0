-- name: EmailAccountCreate :one
INSERT INTO email_accounts (tenant_id, name, address, from_name, signature, forward_token,
    imap_host, imap_port, imap_tls, imap_username, imap_folders, imap_idle,
    smtp_host, smtp_port, smtp_tls, smtp_username, auth_kind)
VALUES (@tenant_id, @name, @address, @from_name, @signature, @forward_token,
    @imap_host, @imap_port, @imap_tls, @imap_username, @imap_folders, @imap_idle,
    @smtp_host, @smtp_port, @smtp_tls, @smtp_username, @auth_kind)
RETURNING *;

-- name: EmailAccountUpdate :exec
UPDATE email_accounts SET name = @name, address = @address, from_name = @from_name, signature = @signature,
    imap_host = @imap_host, imap_port = @imap_port, imap_tls = @imap_tls, imap_username = @imap_username,
    imap_folders = @imap_folders, imap_idle = @imap_idle,
    smtp_host = @smtp_host, smtp_port = @smtp_port, smtp_tls = @smtp_tls, smtp_username = @smtp_username,
    auth_kind = @auth_kind
WHERE tenant_id = @tenant_id AND id = @id;

-- name: EmailAccountSetSecrets :exec
UPDATE email_accounts SET secrets = @secrets WHERE tenant_id = @tenant_id AND id = @id;

-- name: EmailAccountGet :one
SELECT * FROM email_accounts WHERE tenant_id = @tenant_id AND id = @id;

-- name: EmailAccountByToken :one
SELECT * FROM email_accounts WHERE tenant_id = @tenant_id AND forward_token = @forward_token;

-- name: EmailAccountDefault :one
-- The account replies go out through when a ticket names none: the oldest active one that can send.
SELECT * FROM email_accounts WHERE tenant_id = @tenant_id AND status = 'active' AND smtp_host <> ''
ORDER BY created_at, id LIMIT 1;

-- name: EmailAccountList :many
SELECT * FROM email_accounts WHERE tenant_id = @tenant_id ORDER BY name, id;

-- name: EmailAccountSetStatus :execrows
UPDATE email_accounts SET status = @status WHERE tenant_id = @tenant_id AND id = @id;

-- name: EmailAccountDelete :execrows
DELETE FROM email_accounts WHERE tenant_id = @tenant_id AND id = @id;

-- name: EmailAccountSynced :exec
UPDATE email_accounts SET last_sync_at = now(), last_error = '', sync_failures = 0, next_sync_at = NULL,
    last_check_kind = 'sync', last_check_at = now(), last_check_new = @stored,
    last_check_imap = 'ok', last_check_imap_detail = '', last_check_smtp = '', last_check_smtp_detail = ''
WHERE tenant_id = @tenant_id AND id = @id;

-- A failed sync waits twice as long as the one before, from base_secs up to cap_secs.
-- name: EmailAccountFailed :one
UPDATE email_accounts SET last_error = @last_error, last_error_at = now(), sync_failures = sync_failures + 1,
    last_check_kind = 'sync', last_check_at = now(), last_check_new = 0,
    last_check_imap = 'failed', last_check_imap_detail = @last_error, last_check_smtp = '', last_check_smtp_detail = '',
    next_sync_at = now() + least(sqlc.arg(cap_secs)::float8, sqlc.arg(base_secs)::float8 * power(2, sync_failures)) * interval '1 second'
WHERE tenant_id = @tenant_id AND id = @id
RETURNING sync_failures, next_sync_at;

-- name: EmailAccountTested :exec
-- A connection test's outcome per server: '' when that server is not configured, 'ok' or 'failed'.
UPDATE email_accounts SET last_check_kind = 'test', last_check_at = now(), last_check_new = 0,
    last_check_imap = @imap, last_check_imap_detail = @imap_detail,
    last_check_smtp = @smtp, last_check_smtp_detail = @smtp_detail
WHERE tenant_id = @tenant_id AND id = @id;

-- name: EmailAccountsToSync :many
SELECT f.tenant_id::uuid AS tenant_id, f.account_id::bigint AS account_id, f.idle::boolean AS idle
FROM email_accounts_to_sync() AS f (tenant_id, account_id, idle);

-- name: EmailAccountsAllSecrets :many
-- Rotation re-seals every account's secrets, one workspace at a time.
SELECT tenant_id, id, secrets FROM email_accounts WHERE tenant_id = @tenant_id AND secrets <> '' ORDER BY id;

-- name: TenantIDs :many
SELECT id FROM tenants ORDER BY id;

-- name: EmailCursorGet :one
SELECT * FROM email_cursors WHERE tenant_id = @tenant_id AND account_id = @account_id AND mailbox = @mailbox;

-- name: EmailCursorSet :execrows
-- Advances a folder's cursor only from the position the sync started at, so two overlapping syncs
-- of one account cannot move it backwards or both commit the same batch.
INSERT INTO email_cursors AS c (tenant_id, account_id, mailbox, uidvalidity, last_uid)
VALUES (@tenant_id, @account_id, @mailbox, @uidvalidity, @last_uid)
ON CONFLICT (tenant_id, account_id, mailbox) DO UPDATE
SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, updated_at = now()
WHERE c.uidvalidity = @from_uidvalidity AND c.last_uid = @from_uid;

-- name: EmailAccountHealth :one
SELECT
    count(*) FILTER (WHERE received_at > now() - interval '1 hour')::bigint AS last_hour,
    count(*) FILTER (WHERE received_at > now() - interval '1 day')::bigint AS last_day,
    count(*) FILTER (WHERE state = 'quarantined')::bigint AS quarantined,
    count(*) FILTER (WHERE state = 'pending')::bigint AS pending
FROM inbound_messages WHERE tenant_id = @tenant_id AND account_id = @account_id;
