ALTER TABLE email_accounts
    DROP COLUMN last_check_kind,
    DROP COLUMN last_check_at,
    DROP COLUMN last_check_new,
    DROP COLUMN last_check_imap,
    DROP COLUMN last_check_imap_detail,
    DROP COLUMN last_check_smtp,
    DROP COLUMN last_check_smtp_detail;
