-- After EVERY `manage.py migrate`, as portal_owner (docs/deployment.md section 3). Idempotent:
-- it takes back what the default privileges gave on the append-only tables and covers tables
-- created before them. `make stack` runs it after its migrations (scripts/stack.sh).
--   psql -v ON_ERROR_STOP=1 "postgres://portal_owner:…@db.internal:5432/portal" -f deploy/postgresql/grants.sql

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO portal_app;

-- The audit trail and its signed checkpoints: read and append only.
REVOKE ALL ON approvals_auditevent, approvals_auditcheckpoint FROM portal_app;
GRANT SELECT, INSERT ON approvals_auditevent, approvals_auditcheckpoint TO portal_app;
-- Django's id columns are identity columns, which need no sequence privilege; granted anyway so
-- that inserts keep working if the column is ever a serial.
GRANT USAGE ON SEQUENCE approvals_auditevent_id_seq TO portal_app;

-- Check: both must be false.
SELECT has_table_privilege('portal_app', 'approvals_auditevent', 'UPDATE') AS app_may_update_audit,
       has_table_privilege('portal_app', 'approvals_auditevent', 'TRUNCATE') AS app_may_truncate_audit;
