DROP FUNCTION IF EXISTS search_tickets(uuid, tsquery, integer, integer);
