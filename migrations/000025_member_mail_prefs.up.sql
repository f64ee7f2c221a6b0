-- Notification e-mail per kind (issue 12 polish): a person can keep a kind in the app but not
-- have it mailed (at once, or in the digest). Kinds as in member_prefs.muted.
ALTER TABLE member_prefs ADD COLUMN mail_muted text[] NOT NULL DEFAULT '{}';
