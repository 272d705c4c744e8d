"""Writing and checking the audit trail. Services call ``audit_record`` inside their transaction."""

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from approvals.models.audit import GENESIS_HASH, AuditChainHead, AuditEvent, AuditOutcome
from portal import request_context

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
    pending = getattr(_batch, "events", None)
    if pending is not None:
        pending.append(event)
    else:
        _append([event])
    return event


# The events recorded inside ``audit_batch()`` on this thread, waiting for the block's end.
_batch = threading.local()


@contextmanager
def audit_batch():
    """Append the events recorded inside the block to the chain in one go, when it ends.

    The chain's head row is the one lock every writer of the portal shares: ``audit_record``
    takes it and it is held until the transaction commits. Inside this block the events wait in
    memory and the head is taken only at the end, for a few statements, so that the rest of the
    transaction (tracking numbers, documents, deadlines) does not keep every other writer
    waiting. Use it inside the transaction, as its last step
    (``with transaction.atomic(), audit_batch():``): the events are still written in the same
    transaction as the change they record. An exception leaving the block drops them with the
    transaction; the block must not swallow an exception from an inner atomic block that rolled
    back (its events would stay in the batch). A nested block joins the outer one.
    ``audit_record`` returns the event unsaved; it is saved, with its sequence and hash, at the end.
    """
    if getattr(_batch, "events", None) is not None:
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("audit_batch() must run inside a transaction.")
    _batch.events = []
    try:
        yield
    finally:
        events, _batch.events = _batch.events, None
    if events and not transaction.get_connection().needs_rollback:
        _append(events)


def _append(events: list[AuditEvent]) -> None:
    """Chain ``events`` after the head, in the caller's transaction. Everything slow was done
    before: under the head's lock only the sequence, the time and the hashes are set."""
    with transaction.atomic():
        # The head row is created by the migration; locking it serialises writers (on SQLite the
        # IMMEDIATE transaction already does).
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        sequence, previous_hash = head.sequence, head.hash
        # Taken under the lock, so that times grow with the sequence.
        now = timezone.now()
        for event in events:
            sequence += 1
            event.sequence, event.occurred_at, event.previous_hash = sequence, now, previous_hash
            event.hash = previous_hash = event.compute_hash()
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
        head.sequence, head.hash = sequence, previous_hash
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


def _walk(events: Iterable[AuditEvent]) -> Iterator[ChainProblem]:
    expected_sequence, previous_hash = 1, GENESIS_HASH
    for event in events:
        if event.sequence != expected_sequence:
            yield ChainProblem(
                expected_sequence, f"missing (the next stored event is #{event.sequence})"
            )
            return
        if event.previous_hash != previous_hash:
            yield ChainProblem(event.sequence, "does not link to the event before it")
            return
        if event.compute_hash() != event.hash:
            yield ChainProblem(event.sequence, "its content does not match its hash")
            return
        expected_sequence, previous_hash = event.sequence + 1, event.hash


def verify_chain(
    *, head_sequence: int | None = None, head_hash: str | None = None
) -> ChainProblem | None:
    """Walk the whole chain; the first problem found, or None when it is intact.

    With ``head_sequence``/``head_hash`` (from a signed checkpoint or the head row), also detect a
    chain that was cut short, or rewritten with recomputed hashes up to that event.
    """
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    problem = next(_walk(events), None)
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
