DROP INDEX IF EXISTS notifications_unmailed_idx;
DROP INDEX IF EXISTS notifications_list_idx;
DROP INDEX IF EXISTS notifications_group_idx;
ALTER TABLE notifications DROP COLUMN IF EXISTS mailed_at, DROP COLUMN IF EXISTS tickets, DROP COLUMN IF EXISTS group_key;
DROP TABLE IF EXISTS signatures;
DROP TABLE IF EXISTS member_prefs;
ALTER TABLE users DROP COLUMN IF EXISTS time_zone;
