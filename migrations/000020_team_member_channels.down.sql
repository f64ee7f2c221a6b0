-- Back to one list per person: the channels of their first team (by id) where they were limited.
ALTER TABLE memberships ADD COLUMN channels text[] NOT NULL DEFAULT '{}';

UPDATE memberships m SET channels = tm.channels
FROM (SELECT DISTINCT ON (tenant_id, user_id) tenant_id, user_id, channels
      FROM team_members WHERE cardinality(channels) > 0 ORDER BY tenant_id, user_id, team_id) tm
WHERE tm.tenant_id = m.tenant_id AND tm.user_id = m.user_id;

ALTER TABLE team_members DROP COLUMN channels;
