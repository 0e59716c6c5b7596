DROP TABLE job_runs;
--split
DROP TABLE job_leases;
--split
DROP TABLE mail_messages;
--split
DROP TABLE authz_revision;
--split
DROP TABLE authz_rules;
--split
DROP TABLE audit_log;
--split
-- only: postgres
DROP FUNCTION audit_log_append_only();
--split
DROP TABLE login_throttle;
--split
DROP TABLE sessions;
--split
DROP TABLE api_tokens;
--split
DROP TABLE password_resets;
--split
DROP TABLE invitations;
--split
DROP TABLE memberships;
--split
DROP TABLE users;
--split
DROP TABLE tenants;
