DROP TABLE compliance_allowed_domains;
ALTER TABLE customers DROP COLUMN opt_out_notice, DROP COLUMN opted_out_at;
DROP TABLE order_requests;
