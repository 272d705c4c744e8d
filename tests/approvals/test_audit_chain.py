"""The hash-chained, append-only audit trail (DESIGN.md §4)."""

import datetime
import decimal
import itertools
import threading
import uuid

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.chain import audit_chain_append, audit_record, verify_chain
from audit.models import AuditChainHead, AuditEvent
from audit.sql import GENESIS_HASH
from portal import request_context
from tests.approvals import tampering
from tests.factories import DepartmentFactory, PersonFactory

TABLE = tampering.TABLE


def record_events(count: int) -> list[AuditEvent]:
    return [
        audit_record(action="test.step", object_type="test", object_id=str(n), reason=f"step {n}")
        for n in range(1, count + 1)
    ]


def head() -> AuditChainHead:
    return AuditChainHead.objects.get(pk=1)


def verify_against_head():
    recorded = head()
    return verify_chain(head_sequence=recorded.sequence, head_hash=recorded.hash)


# --- writing -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_form_an_unbroken_chain():
    record_events(5)

    events = list(AuditEvent.objects.order_by("sequence"))

    assert [event.sequence for event in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.previous_hash == before.hash
    assert all(event.compute_hash() == event.hash for event in events)
    assert len({event.hash for event in events}) == 5
    assert (head().sequence, head().hash) == (5, events[-1].hash)


@pytest.mark.django_db
def test_an_event_records_who_did_what_to_which_object():
    person = PersonFactory()
    department = DepartmentFactory()

    event = audit_record(
        action="business.agent_invited",
        actor=person.user,
        obj=person,
        changes={"status": [None, "invited"]},
        reason="New agent",
        actor_role="reviewer",
        actor_department=department,
        on_behalf_of="business:7",
    )

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == person.user
    assert event.actor_label == f"{person.user.pk}:{person.user.email}"
    assert (event.object_type, event.object_id) == ("accounts.personprofile", str(person.pk))
    assert event.actor_department == department
    assert (event.actor_role, event.on_behalf_of) == ("reviewer", "business:7")
    assert event.changes == {"status": [None, "invited"]}
    assert event.compute_hash() == event.hash


@pytest.mark.django_db
def test_an_event_without_an_actor_is_recorded_as_the_system():
    event = audit_record(action="deadline.swept")

    assert event.actor is None
    assert event.actor_label == "system"


@pytest.mark.django_db
def test_the_request_id_and_client_ip_are_recorded():
    token = request_context.activate(
        request_context.RequestContext(request_id="req-20250124-0001", client_ip="203.0.113.7")
    )
    try:
        event = audit_record(action="test.step")
    finally:
        request_context.deactivate(token)

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.request_id == "req-20250124-0001"
    assert event.client_ip == "203.0.113.7"
    assert verify_chain() is None


@pytest.mark.django_db
def test_outside_a_request_no_request_id_or_ip_is_recorded():
    event = audit_record(action="test.step")

    assert (event.request_id, event.client_ip) == ("", None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "client_ip",
    [
        pytest.param("", id="empty"),
        pytest.param("198.51.100.20", id="ipv4"),
        pytest.param("2001:db8::1", id="ipv6"),
        pytest.param("2001:0db8:0000:0000:0000:0000:0000:0001", id="ipv6-uncompressed"),
        pytest.param("::ffff:102:304", id="ipv4-mapped-as-python-writes-it"),
        pytest.param("::ffff:1.2.3.4", id="ipv4-mapped"),
        pytest.param("::1.2.3.4", id="ipv4-compatible"),
    ],
)
def test_the_hash_survives_how_the_database_stores_the_client_ip(client_ip):
    token = request_context.activate(request_context.RequestContext(client_ip=client_ip))
    try:
        event = audit_record(action="test.step")
    finally:
        request_context.deactivate(token)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.compute_hash() == stored.hash
    assert verify_chain() is None


@pytest.mark.django_db
def test_values_that_json_cannot_hold_are_stored_as_they_read_back():
    changes = {
        "decided_on": [None, datetime.date(2025, 2, 7)],
        "fee": [decimal.Decimal("0.00"), decimal.Decimal("120.50")],
        "reference": [None, uuid.UUID("12345678-1234-5678-1234-567812345678")],
        "sequence": (1, 2),
        3: ["int key", "becomes a string"],
        "whole_float": [2.0, 1e20],
    }

    event = audit_record(action="test.step", changes=changes)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.changes == event.changes
    assert stored.changes["decided_on"] == [None, "2025-02-07"]
    assert stored.changes["fee"] == ["0.00", "120.50"]
    assert stored.changes["reference"] == [None, "12345678-1234-5678-1234-567812345678"]
    assert stored.changes["3"] == ["int key", "becomes a string"]
    assert stored.compute_hash() == stored.hash
    assert verify_chain() is None


@pytest.mark.django_db
def test_not_a_number_is_refused_rather_than_stored():
    with pytest.raises(ValueError, match="JSON"):
        audit_record(action="test.step", changes={"ratio": [float("nan"), 1.0]})

    assert not AuditEvent.objects.exists()


# PostgreSQL's jsonb cannot hold NUL; forms refuse it anyway (ProhibitNullCharactersValidator).
json_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"))
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | json_text
    | st.dates()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.uuids()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(json_text, children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(json_text, json_values))
def test_any_changes_survive_the_database_round_trip(changes):
    event = audit_record(action="test.step", changes=changes)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.changes == event.changes
    assert stored.compute_hash() == stored.hash


@pytest.mark.django_db
def test_the_hash_does_not_depend_on_the_time_zone_the_time_is_read_in():
    event = audit_record(action="test.step")
    stored = AuditEvent.objects.get(pk=event.pk)

    stored.occurred_at = timezone.localtime(stored.occurred_at)  # Asia/Shanghai, same instant

    assert stored.occurred_at.utcoffset() == datetime.timedelta(hours=8)
    assert stored.compute_hash() == event.hash


@pytest.mark.django_db
def test_an_event_is_rolled_back_with_the_change_it_records():
    record_events(2)

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.abandoned")
        raise RuntimeError("the change failed")
    event = audit_record(action="test.after")

    assert not AuditEvent.objects.filter(action="test.abandoned").exists()
    assert event.sequence == 3
    assert verify_against_head() is None


# --- appended at the end of the transaction (more in test_audit_chain_append.py) ----------------


@pytest.mark.django_db
def test_events_of_a_batch_join_the_chain_in_order_when_the_block_ends():
    record_events(2)

    with transaction.atomic(), audit_chain_append():
        audit_record(action="test.first", object_id="a")
        with transaction.atomic():  # a service called inside: its events join the batch
            audit_record(action="test.second", object_id="b")
        audit_record(action="test.third", object_id="c")
        assert head().sequence == 2  # nothing written, the head not taken, until the end
    audit_record(action="test.after")

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.action for e in events][2:] == [
        "test.first",
        "test.second",
        "test.third",
        "test.after",
    ]
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[2].occurred_at <= events[3].occurred_at <= events[5].occurred_at
    assert (head().sequence, head().hash) == (6, events[-1].hash)
    assert verify_against_head() is None


@pytest.mark.django_db
def test_a_batch_carries_each_events_request_context():
    with transaction.atomic(), audit_chain_append():
        token = request_context.activate(
            request_context.RequestContext(request_id="req-1", client_ip="10.0.0.1")
        )
        try:
            audit_record(action="test.in_request")
        finally:
            request_context.deactivate(token)
        audit_record(action="test.outside")

    inside = AuditEvent.objects.get(action="test.in_request")
    outside = AuditEvent.objects.get(action="test.outside")
    assert (inside.request_id, inside.client_ip) == ("req-1", "10.0.0.1")
    assert outside.request_id == ""
    assert verify_against_head() is None


# --- verifying ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_chain_is_intact():
    assert verify_chain() is None
    assert verify_against_head() is None


@pytest.mark.django_db
def test_a_clean_chain_is_intact():
    record_events(5)

    assert verify_chain() is None
    assert verify_against_head() is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reason", "nothing to see here"),
        ("action", "test.harmless"),
        ("actor_label", "someone else"),
        ("object_id", "999"),
        ("changes", '{"status": ["invited", "active"]}'),
        ("request_id", "forged-request"),
        ("client_ip", "192.0.2.1"),
        ("occurred_at", datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)),
        ("hash", "f" * 64),
        ("previous_hash", "e" * 64),
    ],
)
def test_an_edited_event_is_found(column, value):
    record_events(5)

    tampering.edit(3, column, value)

    problem = verify_chain()
    assert problem is not None
    assert problem.sequence == 3
    assert "#3" in str(problem)
    assert verify_against_head().sequence == 3


@pytest.mark.django_db
def test_an_edit_with_its_hash_recomputed_breaks_the_next_link():
    record_events(5)
    event = AuditEvent.objects.get(sequence=3)
    event.reason = "nothing to see here"

    tampering.edit(3, "reason", event.reason)
    tampering.edit(3, "hash", event.compute_hash())

    problem = verify_chain()
    assert (problem.sequence, problem.reason) == (4, "does not link to the event before it")


@pytest.mark.django_db
def test_a_rewritten_chain_is_found_by_the_head():
    record_events(5)

    tampering.rewrite(3, reason="nothing to see here")

    assert verify_chain() is None  # internally consistent again
    problem = verify_against_head()
    assert (problem.sequence, problem.reason) == (5, "does not match the recorded head hash")


@pytest.mark.django_db
def test_a_rewritten_chain_is_found_by_an_older_checkpoint():
    events = record_events(5)
    checkpoint = (events[3].sequence, events[3].hash)  # #4, e.g. printed in yesterday's report

    tampering.rewrite(2, reason="nothing to see here")

    assert verify_chain() is None
    problem = verify_chain(head_sequence=checkpoint[0], head_hash=checkpoint[1])
    assert (problem.sequence, problem.reason) == (4, "does not match the recorded head hash")


@pytest.mark.django_db
def test_an_older_checkpoint_of_an_intact_chain_passes():
    events = record_events(5)

    assert verify_chain(head_sequence=3, head_hash=events[2].hash) is None
    assert verify_chain(head_sequence=0, head_hash=GENESIS_HASH) is None


@pytest.mark.django_db
@pytest.mark.parametrize("deleted", [1, 3, 4])
def test_a_deleted_event_is_found(deleted):
    record_events(5)

    tampering.delete(deleted)

    problem = verify_chain()
    assert problem.sequence == deleted
    assert problem.reason.startswith("missing")


@pytest.mark.django_db
def test_two_swapped_events_are_found_at_the_first_of_them():
    record_events(5)

    tampering.swap(2, 3)

    assert [e.reason for e in AuditEvent.objects.order_by("sequence")][1:3] == ["step 3", "step 2"]
    assert verify_chain().sequence == 2


@pytest.mark.django_db
def test_a_cut_off_tail_is_found_only_against_the_head():
    record_events(5)

    tampering.delete(4, 5)

    assert verify_chain() is None  # what is left is a valid chain
    problem = verify_against_head()
    assert problem.sequence == 4
    assert "ends at #3 but reached #5" in problem.reason


@pytest.mark.django_db
def test_an_emptied_table_is_found_against_the_head():
    record_events(3)

    tampering.delete(1, 2, 3)

    assert verify_against_head().sequence == 1


@pytest.mark.django_db
def test_the_guard_is_back_after_tampering():
    record_events(2)
    tampering.edit(2, "reason", "changed")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'again' WHERE sequence = 2")  # noqa: S608


# --- append-only in the database ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(f"UPDATE {TABLE} SET reason = 'edited' WHERE sequence = 1", id="update"),  # noqa: S608
        pytest.param(f"UPDATE {TABLE} SET reason = 'edited'", id="update-all"),  # noqa: S608
        pytest.param(f"DELETE FROM {TABLE} WHERE sequence = 1", id="delete"),  # noqa: S608
        pytest.param(f"DELETE FROM {TABLE}", id="delete-all"),  # noqa: S608
    ],
)
def test_raw_sql_cannot_change_or_remove_events(statement):
    record_events(2)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert list(AuditEvent.objects.order_by("sequence").values_list("reason", flat=True)) == [
        "step 1",
        "step 2",
    ]
    assert verify_against_head() is None


@pytest.mark.django_db
def test_the_orm_cannot_change_or_remove_events():
    event = record_events(1)[0]

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        event.reason = "edited"
        event.save()

    assert AuditEvent.objects.get().reason == "step 1"


@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record_events(2)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")

    assert AuditEvent.objects.count() == 2


# --- concurrent writers ------------------------------------------------------------------------

WRITERS = 8
EVENTS_PER_WRITER = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_produce_one_gapless_chain():
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database cannot be shared between threads")
    start = threading.Barrier(WRITERS)
    failures: list[Exception] = []

    def write(writer: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(EVENTS_PER_WRITER):
                with transaction.atomic():
                    audit_record(action="test.concurrent", object_id=f"{writer}-{n}")
        except Exception as exc:  # noqa: BLE001 - reported by the main thread below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    total = WRITERS * EVENTS_PER_WRITER
    events = AuditEvent.objects.order_by("sequence")
    assert list(events.values_list("sequence", flat=True)) == list(range(1, total + 1))
    assert events.values("object_id").distinct().count() == total
    assert head().sequence == total
    assert verify_against_head() is None
