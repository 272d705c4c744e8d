"""Test-only database backends: flushing tables between transactional tests must lift the audit
table's append-only guard, empty it, recreate the chain head and put the guard back. The triggers
that feed the supervision dashboard's derived tables (approvals/db/statistics_sql.py) are lifted
too: SQLite empties tables one by one, and a review task deleted after its department would file a
count against a department that is gone. Production never uses these backends."""

from approvals.db import statistics_sql
from audit import sql as audit_sql
from audit.sql import GENESIS_HASH

HEAD_TABLE = audit_sql.HEAD_TABLE
# Built from constants only, never from input.
_RECREATE_HEAD = f"INSERT INTO {HEAD_TABLE} (id, sequence, hash) VALUES (1, 0, '{GENESIS_HASH}')"  # noqa: S608


GUARDS = (
    (audit_sql.TABLE, audit_sql.DROP, audit_sql.CREATE),
    (audit_sql.CHECKPOINT_TABLE, audit_sql.CHECKPOINT_DROP, audit_sql.CHECKPOINT_CREATE),
    (statistics_sql.APPLICATION, statistics_sql.DROP, statistics_sql.CREATE),
    # The open-task ledgers' triggers, on the review tasks and the pauses (since 0033).
    (statistics_sql.TASK, statistics_sql.LEDGER_DROP, statistics_sql.LEDGER_CREATE),
)


def flush_with_audit_guard(vendor: str, statements: list[str], tables) -> list[str]:
    guarded = [(drop[vendor], create[vendor]) for table, drop, create in GUARDS if table in tables]
    if not guarded:
        return statements
    recreate_head = [_RECREATE_HEAD] if HEAD_TABLE in tables else []
    lift = [statement for drop, _create in guarded for statement in drop]
    restore = [statement for _drop, create in guarded for statement in create]
    return [*lift, *statements, *recreate_head, *restore]
