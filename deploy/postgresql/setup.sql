-- Once per installation, as a PostgreSQL superuser: the two roles and the database
-- (docs/deployment.md section 3). Safe to run again: it creates what is missing and sets the
-- passwords. `make stack` runs it at every start (scripts/stack.sh).
--   psql -v ON_ERROR_STOP=1 -v owner_password=… -v app_password=… -f deploy/postgresql/setup.sql
-- portal_owner owns the schema and runs `manage.py migrate`; portal_app is what the web, worker
-- and beat processes use, and may only read and append the audit trail (grants.sql).

SELECT 'CREATE ROLE portal_owner LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_owner') \gexec
SELECT 'CREATE ROLE portal_app LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal_app') \gexec
ALTER ROLE portal_owner PASSWORD :'owner_password';
ALTER ROLE portal_app PASSWORD :'app_password';
SELECT 'CREATE DATABASE portal OWNER portal_owner ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'portal') \gexec

\connect portal
REVOKE ALL ON DATABASE portal FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE portal TO portal_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO portal_app;
-- The owner creates the tables (PostgreSQL 15: public belongs to pg_database_owner).
GRANT ALL ON SCHEMA public TO portal_owner;

-- Every table and sequence the owner creates from now on (each migration) is usable by the app.
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO portal_app;
