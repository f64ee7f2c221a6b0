-- name: MarketplaceAccountCreate :one
INSERT INTO marketplace_accounts (tenant_id, marketplace, name, sites, language, forward_token,
    reply_account_id, sender_patterns, silence_alarm_hours)
VALUES (@tenant_id, @marketplace, @name, @sites, @language, @forward_token,
    sqlc.narg(reply_account_id), @sender_patterns, @silence_alarm_hours)
RETURNING *;

-- name: MarketplaceAccountUpdate :exec
UPDATE marketplace_accounts
SET name = @name, sites = @sites, language = @language, reply_account_id = sqlc.narg(reply_account_id),
    sender_patterns = @sender_patterns, silence_alarm_hours = @silence_alarm_hours
WHERE tenant_id = @tenant_id AND id = @id;

-- name: MarketplaceAccountGet :one
SELECT * FROM marketplace_accounts WHERE tenant_id = @tenant_id AND id = @id;

-- name: MarketplaceAccountByToken :one
SELECT * FROM marketplace_accounts WHERE tenant_id = @tenant_id AND forward_token = @forward_token;

-- name: MarketplaceAccountList :many
SELECT * FROM marketplace_accounts WHERE tenant_id = @tenant_id ORDER BY marketplace, name, id;

-- name: MarketplaceAccountDelete :execrows
DELETE FROM marketplace_accounts WHERE tenant_id = @tenant_id AND id = @id;

-- name: MarketplaceAccountSetCredentials :exec
UPDATE marketplace_accounts SET credentials = @credentials, credentials_expire_at = sqlc.narg(credentials_expire_at)
WHERE tenant_id = @tenant_id AND id = @id;

-- name: MarketplaceAccountSetStatus :execrows
-- needs_reauth keeps its reason until the admin connects again; the time says since when.
UPDATE marketplace_accounts SET status = @status, status_reason = @status_reason, status_at = @status_at
WHERE tenant_id = @tenant_id AND id = @id AND status IS DISTINCT FROM @status;

-- name: MarketplaceAccountHeard :exec
-- A mail (or an API message) arrived for the account: it is alive again.
UPDATE marketplace_accounts
SET first_message_at = coalesce(first_message_at, @at::timestamptz), last_message_at = greatest(last_message_at, @at::timestamptz),
    silence_noticed_at = NULL
WHERE tenant_id = @tenant_id AND id = @id;

-- name: MarketplaceAccountOrderSeen :exec
UPDATE marketplace_accounts SET last_order_at = greatest(last_order_at, @at::timestamptz)
WHERE tenant_id = @tenant_id AND id = @id;

-- name: MarketplaceAccountsAllCredentials :many
SELECT tenant_id, id, credentials FROM marketplace_accounts WHERE tenant_id = @tenant_id AND credentials <> '';
