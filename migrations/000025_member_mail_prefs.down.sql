ALTER TABLE member_prefs DROP COLUMN IF EXISTS mail_muted;
