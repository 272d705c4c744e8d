"""Tampering with the audit table the way someone with direct database access could: lift the
append-only triggers, change rows with raw SQL, and put the triggers back."""

from contextlib import contextmanager

from django.db import connection

from audit import sql as audit_sql
from audit.models import AuditEvent

TABLE = audit_sql.TABLE


@contextmanager
def guard_lifted(*, checkpoints: bool = False):
    """A cursor with the append-only triggers dropped for the duration: the audit events', or
    with ``checkpoints`` the signed checkpoints'."""
    vendor = connection.vendor
    drop, create = (
        (audit_sql.CHECKPOINT_DROP, audit_sql.CHECKPOINT_CREATE)
        if checkpoints
        else (audit_sql.DROP, audit_sql.CREATE)
    )
    with connection.cursor() as cursor:
        for statement in drop[vendor]:
            cursor.execute(statement)
        try:
            yield cursor
        finally:
            for statement in create[vendor]:
                cursor.execute(statement)


def edit(sequence: int, column: str, value) -> None:
    with guard_lifted() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE sequence = %s", [value, sequence])  # noqa: S608


def delete(*sequences: int) -> None:
    with guard_lifted() as cursor:
        for sequence in sequences:
            cursor.execute(f"DELETE FROM {TABLE} WHERE sequence = %s", [sequence])  # noqa: S608


def swap(first: int, second: int) -> None:
    """Exchange two events' places in the chain (their sequence numbers)."""
    with guard_lifted() as cursor:
        for old, new in [(first, -1), (second, first), (-1, second)]:
            cursor.execute(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", [new, old])  # noqa: S608


def rewrite(sequence: int, *, reason: str) -> None:
    """Change an event's reason and recompute its hash and every later event's link and hash, as
    an attacker who knows the hashing scheme would: only a recorded head can tell."""
    with guard_lifted() as cursor:
        previous_hash = None
        for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
            if previous_hash is None:
                event.reason = reason
            else:
                event.previous_hash = previous_hash
            event.hash = event.compute_hash()
            cursor.execute(
                f"UPDATE {TABLE} SET reason = %s, previous_hash = %s, hash = %s "  # noqa: S608
                "WHERE sequence = %s",
                [event.reason, event.previous_hash, event.hash, event.sequence],
            )
            previous_hash = event.hash
