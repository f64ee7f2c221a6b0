DROP TABLE IF EXISTS inbound_messages;
