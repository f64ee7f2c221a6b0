DROP TABLE IF EXISTS ticket_channel_keys;
