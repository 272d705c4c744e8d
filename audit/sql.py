"""SQL that makes the audit table and its checkpoints append-only, per database vendor.

Used by the migration and by the test database backends, which must lift the guard to flush
tables between transactional tests and then put it back.
"""

# The tables were created by the approvals app, whose models these were; they keep their names.
TABLE = "approvals_auditevent"
HEAD_TABLE = "approvals_auditchainhead"
# The "previous hash" of the first event.
GENESIS_HASH = "0" * 64

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]

POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION USING
           MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused',
           ERRCODE = 'insufficient_privilege';
       END
       $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    f"""CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]

CREATE = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}
DROP = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}

# The signed checkpoints of the chain's head (audit/checkpoints.py) are
# append-only too: a checkpoint that could be edited or deleted would not catch a cut-off tail. A
# guard of its own
# (approvals migration 0008), so that lifting one guard never touches the other.
CHECKPOINT_TABLE = "approvals_auditcheckpoint"

CHECKPOINT_SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON {CHECKPOINT_TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON {CHECKPOINT_TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END""",
]
CHECKPOINT_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_checkpoint_no_update",
    "DROP TRIGGER IF EXISTS audit_checkpoint_no_delete",
]
CHECKPOINT_POSTGRESQL_CREATE = [
    """CREATE OR REPLACE FUNCTION audit_checkpoint_append_only() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION USING
           MESSAGE = 'audit checkpoints are append-only: ' || TG_OP || ' refused',
           ERRCODE = 'insufficient_privilege';
       END
       $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER audit_checkpoint_no_update_delete BEFORE UPDATE OR DELETE
        ON {CHECKPOINT_TABLE} FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only()""",
    f"""CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON {CHECKPOINT_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_append_only()""",
]
CHECKPOINT_POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_checkpoint_no_update_delete ON {CHECKPOINT_TABLE}",
    f"DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON {CHECKPOINT_TABLE}",
    "DROP FUNCTION IF EXISTS audit_checkpoint_append_only()",
]
CHECKPOINT_CREATE = {"sqlite": CHECKPOINT_SQLITE_CREATE, "postgresql": CHECKPOINT_POSTGRESQL_CREATE}
CHECKPOINT_DROP = {"sqlite": CHECKPOINT_SQLITE_DROP, "postgresql": CHECKPOINT_POSTGRESQL_DROP}
