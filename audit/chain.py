"""Writing and checking the audit trail. Services call ``audit_record`` inside their transaction."""

import contextvars
import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, models, transaction
from django.utils import timezone

from audit.models import (
    GENESIS_HASH,
    HASHED_FIELDS,
    AuditChainHead,
    AuditEvent,
    AuditOutcome,
    _canonical_json,
    event_hash,
)
from portal import request_context, spawned

_ACTOR_LABEL_LENGTH = AuditEvent._meta.get_field("actor_label").max_length
# What an event done by the portal itself (the deadline sweep, a scheduled job) carries as actor.
SYSTEM_ACTOR_LABEL = "system"


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _actor_label(actor) -> str:
    if actor is None:
        return SYSTEM_ACTOR_LABEL
    # An email address may be longer than the column (254 > 200); PostgreSQL would refuse it.
    return f"{actor.pk}:{actor.email}"[:_ACTOR_LABEL_LENGTH]


def _whole_float_as_int(text: str) -> float | int:
    number = float(text)
    return int(number) if number.is_integer() else number


def _json_safe(changes: dict | None) -> dict:
    """``changes`` as the JSON column will give them back, so that the hash recomputes after a
    round trip: dates, Decimals and UUIDs become strings, tuples lists, keys strings, and whole
    floats integers (PostgreSQL's jsonb returns ``1e20`` as ``100000000000000000000``)."""
    text = json.dumps(changes or {}, cls=DjangoJSONEncoder, allow_nan=False)
    return json.loads(text, parse_float=_whole_float_as_int)


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: dict | None = None,
    reason: str = "",
    outcome: str = AuditOutcome.DONE,
    actor_role: str = "",
    actor_department=None,
    on_behalf_of: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``changes`` maps a field name to ``[before, after]``. The request id and client IP come from the
    current request, when there is one.
    """
    if obj is not None:
        object_type, object_id = _object_ref(obj)
    context = request_context.current()
    if context.credential and context.credential != "session":
        changes = {**(changes or {}), "via": [None, context.credential]}
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_actor_label(actor),
        actor_role=actor_role,
        actor_department=actor_department,
        on_behalf_of=on_behalf_of,
        client_ip=context.client_ip,
        request_id=context.request_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=_json_safe(changes),
        reason=reason,
        outcome=outcome,
    )
    append = _chain_append.get()
    if append is not None:
        append.pending.append(event)  # chained and written when the append ends
        return event
    with transaction.atomic():
        # The head row is created by the migration; locking it serialises writers (on SQLite the
        # IMMEDIATE transaction already does).
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        _chain(event, head)
        event.save(force_insert=True)
        head.save(update_fields=["sequence", "hash"])
    return event


def _chain(event: AuditEvent, head: AuditChainHead) -> None:
    """Give ``event`` the next place in the chain after ``head``, and move the head to it."""
    event.sequence, event.previous_hash = head.sequence + 1, head.hash
    event.hash = event.compute_hash()
    head.sequence, head.hash = event.sequence, event.hash


@dataclass
class ChainAppend:
    """The events recorded inside ``audit_chain_append``, waiting for their place in the chain."""

    pending: list[AuditEvent] = field(default_factory=list)

    def mark(self) -> int:
        return len(self.pending)

    def rollback_to(self, mark: int) -> None:
        """Forget the events recorded since ``mark``: the savepoint that made their changes was
        rolled back (a caller that catches an error inside the append must call this)."""
        del self.pending[mark:]


_chain_append: contextvars.ContextVar[ChainAppend | None] = contextvars.ContextVar(
    "audit_chain_append", default=None
)


@contextmanager
def audit_chain_append() -> Iterator[ChainAppend]:
    """Within the block, ``audit_record`` collects its events; at the end they are chained and
    written in one append — one head lock, one INSERT, one head update — in the same transaction
    as the changes they record. For bulk work (the sweep's catch-up of deemed acceptances) and for
    the busiest single step (submission): the head row, which every writer of the portal needs, is
    locked only for that last moment, not while the work runs. Their sequence follows the order
    they were recorded in. A caller that catches an error from a rolled-back savepoint inside the
    block must forget that savepoint's events (``ChainAppend.rollback_to``)."""
    outer = _chain_append.get()
    if outer is not None:  # a nested block joins the outer one
        yield outer
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_chain_append() must run inside a transaction")
    append = ChainAppend()
    token = _chain_append.set(append)
    try:
        yield append
    finally:
        _chain_append.reset(token)
    # A transaction that is already doomed writes nothing (its changes are rolled back too).
    if append.pending and not connection.needs_rollback:
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        for event in append.pending:
            _chain(event, head)
        AuditEvent.objects.bulk_create(append.pending, batch_size=500)
        head.save(update_fields=["sequence", "hash"])


def field_changes(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` for the fields whose values differ."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"audit event #{self.sequence}: {self.reason}"


# The walk selects the hashed columns and the two hashes, and hashes each row as a tuple with the
# same function that wrote it (``event_hash``): no model instance per event. Keyset pages by
# sequence (its unique index) keep each query short and no transaction open for the whole walk.
_WALK_COLUMNS = (*HASHED_FIELDS, "previous_hash", "hash")
_WALK_PAGE = 20_000
_CHANGES = HASHED_FIELDS.index("changes")
_OCCURRED_AT = HASHED_FIELDS.index("occurred_at")
_UTC_ISO = """'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'"""


def _stored_rows(after_sequence: int, up_to: int | None = None) -> Iterator[tuple]:
    """Every stored event after ``after_sequence`` (up to ``up_to``), as tuples of
    ``_WALK_COLUMNS``, in order."""
    columns = [
        connection.ops.quote_name(AuditEvent._meta.get_field(name).column) for name in _WALK_COLUMNS
    ]
    if connection.vendor == "postgresql":
        # The time as the hash spells it (UTC, microseconds), written by the server: no
        # datetime made and formatted again for each event.
        columns[_OCCURRED_AT] = f"to_char({columns[_OCCURRED_AT]} AT TIME ZONE 'UTC', {_UTC_ISO})"
    return _in_pages(", ".join(columns), after_sequence, up_to)


def _in_pages(columns: str, after_sequence: int, up_to: int | None) -> Iterator[tuple]:
    """``columns`` (SQL, the sequence first) of every stored event after ``after_sequence`` (up
    to ``up_to``), in order, a keyset page at a time."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    bound = "" if up_to is None else f" AND sequence <= {int(up_to)}"
    query = (
        f"SELECT {columns} FROM {table} WHERE sequence > %s{bound} "  # noqa: S608 - no input
        f"ORDER BY sequence LIMIT {_WALK_PAGE}"
    )
    with connection.cursor() as cursor:
        while True:
            cursor.execute(query, [after_sequence])
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            after_sequence = rows[-1][0]


# On PostgreSQL the server spells each event as the hash's canonical JSON (``_canonical_json``:
# keys sorted, no spaces, strings escaped as ``to_json`` escapes them, which is as Python's
# encoder does), all but the changes, whose keys jsonb keeps in an order of its own: those are
# parsed and spelled again here. The walk then hashes one string an event, and parses no other
# column. Should the two spellings ever differ for an event (an address or a string written in
# a way the server spells otherwise), the event is checked again the slow way
# (``_stored_event_hash``) before it is called changed: the server's spelling can only say "intact"
# for text that hashes to the stored hash, which only the event's own content does.
_RENDERED_LENGTH = 6  # sequence, JSON before the changes, changes, JSON after, the two hashes


_scan_json = json.JSONDecoder().scan_once  # json.loads without its checks of the text around


def _parse_stored_json(text: str):
    """The value of a JSON text as the server writes it (no space around it): as ``json.loads``
    parses it, for the walk, at less than half its cost a value."""
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:  # not JSON: let json.loads say why
        end = -1
    if end != len(text):
        return json.loads(text)
    return value


def _rendered_value(name: str, column: str) -> str:
    if name == "occurred_at":
        return f"""'"' || to_char({column} AT TIME ZONE 'UTC', {_UTC_ISO}) || '"'"""
    if name == "client_ip":
        return f"coalesce(to_json(host({column}))::text, 'null')"
    if isinstance(AuditEvent._meta.get_field(name), models.CharField | models.TextField):
        return f"coalesce(to_json({column})::text, 'null')"
    return f"coalesce({column}::text, 'null')"  # numbers


def _rendered_columns() -> tuple[str, str]:
    """The SQL expressions of the canonical JSON before and after the changes' value."""
    quote = connection.ops.quote_name
    parts: list[list[str]] = [[], []]
    after = 0
    for name in sorted(HASHED_FIELDS):
        key = ("," if parts[after] or after else "{") + json.dumps(name) + ":"
        if name == "changes":
            parts[after].append(f"'{key}'")
            after = 1
            continue
        column = quote(AuditEvent._meta.get_field(name).column)
        parts[after].append(f"'{key}' || {_rendered_value(name, column)}")
    parts[1].append("'}'")
    return " || ".join(parts[0]), " || ".join(parts[1])


def _rendered_rows(after_sequence: int, up_to: int | None = None) -> Iterator[tuple]:
    """As ``_stored_rows``, on PostgreSQL, each event as (sequence, its canonical JSON up to the
    changes' value, the changes as stored, the JSON after them, previous hash, hash)."""
    head, tail = _rendered_columns()
    columns = f"sequence, {head}, changes::text, {tail}, previous_hash, hash"
    return _in_pages(columns, after_sequence, up_to)


def _walk_rows(after_sequence: int, up_to: int | None = None) -> Iterator[tuple]:
    if connection.vendor == "postgresql":
        return _rendered_rows(after_sequence, up_to)
    return _stored_rows(after_sequence, up_to)


def _stored_event_hash(sequence: int) -> str | None:
    """The hash of stored event ``sequence`` as its content and link give it, computed here."""
    row = next(_stored_rows(sequence - 1, sequence), None)
    return None if row is None else event_hash(row[-2], *_hashed_values(row))


def _hashed_values(row: tuple) -> list:
    """A stored row's hashed values as ``event_hash`` takes them: the JSON column parsed (the
    drivers return its text) and the time in UTC, as an aware datetime or already spelled as the
    hash spells it (PostgreSQL's rows, ``_stored_rows``); SQLite stores it as naive UTC text."""
    values = list(row[: len(HASHED_FIELDS)])
    changes = values[_CHANGES]
    if isinstance(changes, str | bytes):
        values[_CHANGES] = json.loads(changes)
    occurred_at = values[_OCCURRED_AT]
    if isinstance(occurred_at, str) and not occurred_at.endswith("+00:00"):
        occurred_at = dt.datetime.fromisoformat(occurred_at)
    if isinstance(occurred_at, dt.datetime) and occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=dt.UTC)
    values[_OCCURRED_AT] = occurred_at
    return values


def _walk(
    rows: Iterable[tuple], *, after_sequence: int = 0, after_hash: str = GENESIS_HASH
) -> tuple[ChainProblem | None, int, str]:
    """Walk ``rows``, the chain continuing event ``after_sequence`` (hash ``after_hash``): the
    first problem (``None`` when they link and hash correctly), how many rows were read, and the
    hash of the last one that was intact. ``rows``: as ``_stored_rows`` or ``_rendered_rows``
    gives them (the sequence first, the two hashes last)."""
    expected_sequence, previous_hash = after_sequence + 1, after_hash
    hashed_values = _hashed_values
    rendered = _stored_event_hash
    sha256, parse, canonical = hashlib.sha256, _parse_stored_json, _canonical_json
    for row in rows:
        sequence = row[0]
        if sequence != expected_sequence:
            problem = ChainProblem(
                expected_sequence, f"missing (the next stored event is #{sequence})"
            )
        elif row[-2] != previous_hash:
            problem = ChainProblem(sequence, "does not link to the event before it")
        elif len(row) == _RENDERED_LENGTH:
            # The server spelled the event's JSON but its changes (_rendered_rows).
            changes = row[2]
            digest = sha256(
                (
                    previous_hash
                    + row[1]
                    + (changes if changes == "{}" else canonical(parse(changes)))
                    + row[3]
                ).encode()
            ).hexdigest()
            if digest == row[-1] or rendered(sequence) == row[-1]:
                expected_sequence, previous_hash = sequence + 1, row[-1]
                continue
            problem = ChainProblem(sequence, "its content does not match its hash")
        elif event_hash(previous_hash, *hashed_values(row)) != row[-1]:
            problem = ChainProblem(sequence, "its content does not match its hash")
        else:
            expected_sequence, previous_hash = sequence + 1, row[-1]
            continue
        return problem, expected_sequence - after_sequence, previous_hash
    # The sequence numbers were checked one by one: they count the rows.
    return None, expected_sequence - after_sequence - 1, previous_hash


@dataclass(frozen=True)
class Walk:
    problem: ChainProblem | None
    walked: int


def _walk_from(after_sequence: int, after_hash: str) -> Walk:
    problem, walked, _last_hash = _walk(
        _walk_rows(after_sequence), after_sequence=after_sequence, after_hash=after_hash
    )
    return Walk(problem, walked)


# A long walk is shared among processes, each hashing its own range of sequence numbers with its
# own connection (hashing is CPU-bound and the hashes within a range do not depend on the others);
# below this many events per process the start-up is not worth it.
PARALLEL_MIN_EVENTS = 100_000


def _walk_workers() -> int:
    return int(getattr(settings, "AUDIT_VERIFY_WORKERS", 0) or os.cpu_count() or 1)


def walk_chain(*, after_sequence: int = 0, after_hash: str = GENESIS_HASH) -> Walk:
    """Walk the stored events after ``after_sequence`` (whose hash is ``after_hash``: the genesis
    hash for the whole chain, a verified checkpoint's for an incremental walk)."""
    workers = _walk_workers()
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    span = (last or 0) - after_sequence
    if (
        workers < 2
        or span < 2 * PARALLEL_MIN_EVENTS
        or connection.vendor != "postgresql"
        or connection.in_atomic_block  # the forked processes could not see this transaction
        or multiprocessing.current_process().daemon  # a Celery pool process may not fork
    ):
        return _walk_from(after_sequence, after_hash)
    workers = min(workers, span // PARALLEL_MIN_EVENTS)
    size = span // workers
    bounds = [
        (after_sequence + n * size, None if n == workers - 1 else after_sequence + (n + 1) * size)
        for n in range(workers)
    ]
    # Fresh processes, not forks: a fork would inherit the sockets of every database connection
    # this process holds in other threads (a web server's, a test's live server), and the first
    # one to be freed in a child would end that connection for its owner. Each starts Django on
    # the same database settings (a test database's name included) and opens its own connection.
    with multiprocessing.get_context("spawn").Pool(
        workers, initializer=spawned.start_django, initargs=(settings.DATABASES,)
    ) as pool:
        results = pool.starmap(_walk_range, bounds)
    walked, previous_hash = 0, after_hash
    for (low, high), (intact, first_link, last_sequence, last_hash, count) in zip(
        bounds, results, strict=True
    ):
        if (
            not intact
            or first_link != previous_hash
            or (high is not None and last_sequence != high)
        ):
            # Something is wrong from here on: walk on in one process, which names the first
            # problem exactly as a whole walk would.
            rest = _walk_from(low, previous_hash)
            return Walk(rest.problem, walked + rest.walked)
        walked, previous_hash = walked + count, last_hash if count else previous_hash
    return Walk(None, walked)


def _walk_range(after_sequence: int, up_to: int | None) -> tuple:
    """In a worker: walk (after_sequence, up_to] taking the first event's stored link on trust
    (the caller compares it with the range before); (intact, that link, the last sequence and
    hash, how many were walked)."""
    try:
        rows = _walk_rows(after_sequence, up_to)
        first = next(rows, None)
        if first is None:
            return (True, None, after_sequence, None, 0)
        problem, count, last_hash = _walk(
            itertools.chain([first], rows), after_sequence=after_sequence, after_hash=first[-2]
        )
        return (problem is None, first[-2], after_sequence + count, last_hash, count)
    finally:
        connections.close_all()


def stored_event_intact(*, sequence: int, event_hash_: str) -> bool:
    """Does the stored event ``sequence`` carry ``event_hash_``, and does its content hash to it?
    (Where an incremental walk starts: everything after it is walked, it alone is checked.)"""
    row = next(_stored_rows(sequence - 1), None)
    return (
        row is not None
        and row[0] == sequence
        and row[-1] == event_hash_
        and event_hash(row[-2], *_hashed_values(row)) == event_hash_
    )


def verify_chain(
    *, head_sequence: int | None = None, head_hash: str | None = None
) -> ChainProblem | None:
    """Walk the whole chain; the first problem found, or None when it is intact.

    With ``head_sequence``/``head_hash`` (from a signed checkpoint or the head row), also detect a
    chain that was cut short, or rewritten with recomputed hashes up to that event.
    """
    problem = walk_chain().problem
    if problem or head_sequence is None:
        return problem
    return chain_reaches(sequence=head_sequence, head_hash=head_hash, what="the head")


def chain_reaches(*, sequence: int, head_hash: str | None, what: str) -> ChainProblem | None:
    """After an intact walk: does the stored chain reach event ``sequence`` with ``head_hash``?
    ``what`` names the record that says it did (the head row, a signed checkpoint)."""
    last_sequence = (
        AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    )
    if last_sequence < sequence:
        if what == "the head":
            return ChainProblem(
                last_sequence + 1,
                f"missing: the chain ends at #{last_sequence} but reached #{sequence}",
            )
        return ChainProblem(
            sequence, f"missing: the chain ends at #{last_sequence}, before {what} at #{sequence}"
        )
    if head_hash:
        # A checkpoint may be older than the newest event: compare with the event it recorded.
        hash_at_head = (
            AuditEvent.objects.values_list("hash", flat=True).get(sequence=sequence)
            if sequence
            else GENESIS_HASH
        )
        if hash_at_head != head_hash:
            what_hash = "the recorded head hash" if what == "the head" else f"{what}'s hash"
            return ChainProblem(sequence, f"does not match {what_hash}")
    return None
