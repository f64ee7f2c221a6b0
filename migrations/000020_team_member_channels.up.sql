-- Channel access belongs to a person's place in a team, like their capacity and skills: editing a
-- member of one team must never change what they may work in another. memberships.channels was
-- one list per person shared by every team (and by tickets outside any team).
--
-- From now on (empty list: all channels):
-- - a ticket of a team may go to a member of that team whose channels in that team include it;
-- - a ticket of no team, or of a team the person is not in, may go to a person in no team, or to
--   one whose channels in at least one of their teams include it.
ALTER TABLE team_members ADD COLUMN channels text[] NOT NULL DEFAULT '{}';

UPDATE team_members tm SET channels = m.channels
FROM memberships m
WHERE m.tenant_id = tm.tenant_id AND m.user_id = tm.user_id AND cardinality(m.channels) > 0;

ALTER TABLE memberships DROP COLUMN channels;
