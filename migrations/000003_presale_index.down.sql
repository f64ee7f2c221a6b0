DROP INDEX IF EXISTS tickets_presale_idx;
