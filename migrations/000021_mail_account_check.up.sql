-- The last connection check of a mail account, test or sync, success as well as failure, so the
-- account's page can say "Last sync 14:05 — 2 new messages" or which server refused and why.
-- last_error stays the sync's own failure (backoff and the list page read it).
ALTER TABLE email_accounts
    ADD COLUMN last_check_kind text NOT NULL DEFAULT '' CHECK (last_check_kind IN ('', 'sync', 'test')),
    ADD COLUMN last_check_at timestamptz,
    ADD COLUMN last_check_new integer NOT NULL DEFAULT 0 CHECK (last_check_new >= 0),
    ADD COLUMN last_check_imap text NOT NULL DEFAULT '' CHECK (last_check_imap IN ('', 'ok', 'failed')),
    ADD COLUMN last_check_imap_detail text NOT NULL DEFAULT '',
    ADD COLUMN last_check_smtp text NOT NULL DEFAULT '' CHECK (last_check_smtp IN ('', 'ok', 'failed')),
    ADD COLUMN last_check_smtp_detail text NOT NULL DEFAULT '';
