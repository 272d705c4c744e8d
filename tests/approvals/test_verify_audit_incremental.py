"""``verify_audit`` walks only the events after the newest signed checkpoint that verifies;
``--full`` walks them all."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.chain import audit_record, walk_chain
from audit.checkpoints import checkpoint_create, verify_audit_trail
from audit.models import HASHED_FIELDS, AuditEvent, event_hash
from tests.approvals import tampering

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit-signing-key.pem"


def record(count: int) -> None:
    for n in range(count):
        audit_record(action="test.step", reason=f"step {n}", changes={"n": [None, n]})


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_the_walk_hashes_a_stored_row_as_the_model_does():
    record(3)

    for event in AuditEvent.objects.order_by("sequence"):
        fields = [getattr(event, name) for name in HASHED_FIELDS]
        assert event_hash(event.previous_hash, *fields) == event.compute_hash() == event.hash


def test_by_default_only_the_events_after_the_checkpoint_are_walked():
    record(5)
    checkpoint_create()  # signs #5; its own event is #6
    record(3)  # #7..#9

    result = verify_audit_trail()

    assert result.intact
    assert (result.since.sequence, result.walked, result.events) == (5, 4, 9)
    assert "walked the 4 events after the signed checkpoint #5" in verify()


def test_full_walks_every_event():
    record(5)
    checkpoint_create()

    result = verify_audit_trail(full=True)

    assert result.intact
    assert (result.since, result.walked) == (None, 6)
    assert "walked the" not in verify("--full")


def test_an_edit_after_the_checkpoint_is_found_by_default():
    record(5)
    checkpoint_create()
    record(3)

    tampering.edit(8, "reason", "edited")

    with pytest.raises(CommandError) as excinfo:
        verify()
    assert "audit event #8: its content does not match its hash" in str(excinfo.value)


def test_an_edit_before_the_checkpoint_that_kept_its_hash_needs_the_full_walk():
    record(5)
    checkpoint_create()

    tampering.edit(3, "reason", "edited")

    assert verify_audit_trail().intact  # walked after #5 only
    with pytest.raises(CommandError) as excinfo:
        verify("--full")
    assert "audit event #3: its content does not match its hash" in str(excinfo.value)


def test_a_checkpoint_whose_event_was_edited_is_not_a_starting_point():
    record(5)
    checkpoint_create()  # signs #5

    tampering.edit(5, "reason", "edited")  # the hash the checkpoint signed is left in place

    result = verify_audit_trail()
    assert result.since is None
    assert str(result.problem) == "audit event #5: its content does not match its hash"


def test_an_older_checkpoint_is_the_start_when_the_newest_does_not_verify():
    record(3)
    older = checkpoint_create()  # signs #3, event #4
    record(2)  # #5, #6
    checkpoint_create()  # signs #6, event #7

    tampering.rewrite(5, reason="rewritten")  # #5.. rehashed: #6 no longer has the signed hash

    result = verify_audit_trail()
    assert result.since.pk == older.pk
    assert result.problem is not None  # the head row and the newest checkpoint disagree now


def test_the_walk_reads_in_pages(monkeypatch):
    from audit import chain as audit

    monkeypatch.setattr(audit, "_WALK_PAGE", 2)
    record(5)

    assert walk_chain().walked == 5
    assert walk_chain(
        after_sequence=2, after_hash=AuditEvent.objects.get(sequence=2).hash
    ) == audit.Walk(None, 3)

    tampering.delete(4)
    assert walk_chain().problem.sequence == 4


# --- a long walk shared among processes (PostgreSQL) --------------------------------------------


@pytest.fixture
def parallel(settings, monkeypatch):
    from django.db import connection

    from audit import chain as audit

    if connection.vendor != "postgresql":
        pytest.skip("the walk is shared among processes on PostgreSQL only")
    settings.AUDIT_VERIFY_WORKERS = 3
    monkeypatch.setattr(audit, "PARALLEL_MIN_EVENTS", 4)


@pytest.mark.django_db(transaction=True)
def test_a_walk_shared_among_processes_finds_what_one_process_finds(parallel, monkeypatch):
    from audit import chain as audit

    record(30)  # three ranges of ten
    single = audit._walk_from
    with monkeypatch.context() as patched:
        patched.setattr(audit, "_walk_from", None)  # an intact chain never walks in one process
        assert walk_chain() == audit.Walk(None, 30)
    assert single(0, audit.GENESIS_HASH) == audit.Walk(None, 30)
    assert verify_audit_trail(full=True).intact

    tampering.edit(15, "reason", "edited")  # inside the second range
    assert str(walk_chain().problem) == "audit event #15: its content does not match its hash"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("sequence", "reason"),
    [
        (11, "missing (the next stored event is #12)"),  # the first of a range
        (10, "missing (the next stored event is #11)"),  # the last of a range
    ],
)
def test_a_gap_at_a_range_boundary_is_named_as_one_process_names_it(parallel, sequence, reason):
    record(30)

    tampering.delete(sequence)

    problem = walk_chain().problem
    assert (problem.sequence, problem.reason) == (sequence, reason)


@pytest.mark.django_db(transaction=True)
def test_a_rewritten_range_start_breaks_the_link_to_the_range_before(parallel):
    record(30)

    tampering.rewrite(11, reason="rewritten")  # #11 and all after rehashed

    assert walk_chain().problem is None  # internally consistent: only the head can tell
    tampering.edit(11, "previous_hash", "e" * 64)
    problem = walk_chain().problem
    assert (problem.sequence, problem.reason) == (11, "does not link to the event before it")
