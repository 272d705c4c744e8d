"""Signed checkpoints: cutting the tail of the chain together with the head row is found."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from approvals.tasks import audit_checkpoint_task
from audit.chain import audit_record
from audit.checkpoints import (
    checkpoint_create,
    signature_valid,
    verify_audit_trail,
)
from audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from tests.approvals import tampering
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    return [audit_record(action="test.step", reason=f"step {n}") for n in range(1, 6)]


def cut_tail_and_head(keep: int) -> None:
    """Delete every event after ``keep`` and set the head row back, as an intruder would."""
    tampering.delete(
        *AuditEvent.objects.filter(sequence__gt=keep).values_list("sequence", flat=True)
    )
    last = AuditEvent.objects.get(sequence=keep)
    AuditChainHead.objects.filter(pk=1).update(sequence=keep, hash=last.hash)


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_a_checkpoint_signs_the_head_and_is_audited(chain):
    checkpoint = checkpoint_create()

    assert (checkpoint.sequence, checkpoint.head_hash) == (5, chain[-1].hash)
    assert signature_valid(checkpoint)
    event = events("audit.checkpointed", checkpoint).get()
    assert event.changes == {"sequence": [None, 5], "head_hash": [None, chain[-1].hash]}


def test_a_forged_checkpoint_does_not_verify(chain):
    checkpoint = checkpoint_create()
    checkpoint.sequence = 4

    assert not signature_valid(checkpoint)


def test_the_daily_task_stores_a_checkpoint(chain):
    result = audit_checkpoint_task.delay().get()

    assert result["sequence"] == 5
    assert AuditCheckpoint.objects.count() == 1


def test_a_clean_chain_with_a_checkpoint_verifies(chain):
    checkpoint_create()
    audit_record(action="test.step", reason="after the checkpoint")

    output = verify()

    assert "audit chain intact: 7 events" in output
    assert "reaches the signed checkpoint #5" in output


def test_the_tail_cut_below_the_checkpoint_is_named_by_the_checkpoint(chain):
    checkpoint_create()  # signs #5; its own event is #6
    cut_tail_and_head(keep=3)
    assert (
        verify_audit_trail().problem is not None
    )  # the head row was set back; the checkpoint still tells

    with pytest.raises(CommandError) as excinfo:
        verify()

    assert excinfo.value.returncode == 1
    assert "audit event #5: missing: the chain ends at #3" in str(excinfo.value)


def test_the_tail_cut_after_the_checkpoint_passes_the_stored_one_but_not_a_later_file(
    chain, tmp_path
):
    checkpoint_create()  # #5 signed, #6 its event
    audit_record(action="test.step", reason="7")
    later = tmp_path / "later.json"
    call_command("audit_checkpoint", "--export", str(later), stdout=io.StringIO())  # signs #7
    with tampering.guard_lifted(checkpoints=True):  # the intruder drops the stored one too
        AuditCheckpoint.objects.filter(sequence=7).delete()
    cut_tail_and_head(keep=6)

    assert "reaches the signed checkpoint #5" in verify()
    with pytest.raises(CommandError) as excinfo:
        verify("--checkpoint", str(later))
    assert "audit event #7: missing: the chain ends at #6" in str(excinfo.value)


def test_an_exported_checkpoint_file_verifies(chain, tmp_path):
    target = tmp_path / "checkpoint.json"
    out = io.StringIO()
    call_command("audit_checkpoint", "--export", str(target), stdout=out)

    data = json.loads(target.read_text())
    assert (data["sequence"], data["head_hash"]) == (5, chain[-1].hash)
    assert "reaches the signed checkpoint #5" in verify("--checkpoint", str(target))


def test_an_edited_exported_file_fails(chain, tmp_path):
    target = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--export", str(target), stdout=io.StringIO())
    data = json.loads(target.read_text())
    data["head_hash"] = chain[2].hash
    data["sequence"] = 3
    target.write_text(json.dumps(data))

    with pytest.raises(CommandError) as excinfo:
        verify("--checkpoint", str(target))

    assert "audit event #3: the signed checkpoint's signature does not verify" in str(excinfo.value)


def test_a_rewritten_chain_does_not_match_the_checkpoint_hash(chain):
    checkpoint_create()
    tampering.rewrite(2, reason="rewritten")
    head = AuditEvent.objects.order_by("-sequence").first()
    AuditChainHead.objects.filter(pk=1).update(sequence=head.sequence, hash=head.hash)

    problem = verify_audit_trail().problem

    assert (problem.sequence, problem.reason) == (5, "does not match the signed checkpoint's hash")


def test_stored_checkpoints_cannot_be_changed_or_deleted(chain):
    checkpoint = checkpoint_create()

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(sequence=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).delete()

    assert AuditCheckpoint.objects.get(pk=checkpoint.pk).sequence == checkpoint.sequence
