"""Test-only database backends: flushing tables between transactional tests must lift the audit
table's append-only guard, empty it, recreate the chain head and put the guard back. Production
never uses these backends."""

from approvals import audit_sql
from approvals.audit_sql import GENESIS_HASH

HEAD_TABLE = "approvals_auditchainhead"
# Built from constants only, never from input.
_RECREATE_HEAD = f"INSERT INTO {HEAD_TABLE} (id, sequence, hash) VALUES (1, 0, '{GENESIS_HASH}')"  # noqa: S608


def flush_with_audit_guard(vendor: str, statements: list[str], tables) -> list[str]:
    if audit_sql.TABLE not in tables:
        return statements
    recreate_head = [_RECREATE_HEAD] if HEAD_TABLE in tables else []
    return [*audit_sql.DROP[vendor], *statements, *recreate_head, *audit_sql.CREATE[vendor]]
