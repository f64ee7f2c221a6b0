DROP TABLE IF EXISTS login_throttle, sessions, audit_log, invitations, memberships, tenants, users;
DROP FUNCTION IF EXISTS app_user_id();
DROP FUNCTION IF EXISTS app_tenant_id();
