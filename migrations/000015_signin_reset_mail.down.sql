ALTER TABLE invitations DROP COLUMN mail_error, DROP COLUMN mailed_at;
DROP TABLE dev_mail;
DROP TABLE password_resets;
COMMENT ON COLUMN login_throttle.failures IS NULL;
