"""``audit_chain_append``: events recorded in bulk work join the chain in one append at its end."""

import pytest
from django.db import transaction

from audit.chain import audit_chain_append, audit_record, verify_chain
from audit.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def test_the_events_join_the_chain_in_the_order_they_were_recorded():
    audit_record(action="test.before")

    with transaction.atomic(), audit_chain_append():
        for n in range(3):
            event = audit_record(action="test.bulk", object_id=str(n))
            assert event.pk is None  # not written yet
        assert AuditEvent.objects.count() == 1

    events = list(AuditEvent.objects.order_by("sequence").values_list("action", "object_id"))
    assert events == [
        ("test.before", ""),
        ("test.bulk", "0"),
        ("test.bulk", "1"),
        ("test.bulk", "2"),
    ]
    head = AuditChainHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (4, AuditEvent.objects.get(sequence=4).hash)
    assert verify_chain(head_sequence=head.sequence, head_hash=head.hash) is None


def test_events_of_a_rolled_back_savepoint_are_forgotten():
    with transaction.atomic(), audit_chain_append() as chain:
        audit_record(action="test.kept", object_id="1")
        mark = chain.mark()
        try:
            with transaction.atomic():
                audit_record(action="test.undone")
                raise RuntimeError("this application failed")
        except RuntimeError:
            chain.rollback_to(mark)
        audit_record(action="test.kept", object_id="2")

    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
        "test.kept",
        "test.kept",
    ]
    assert verify_chain() is None


def test_nothing_is_written_when_the_work_fails():
    with pytest.raises(RuntimeError), transaction.atomic(), audit_chain_append():
        audit_record(action="test.lost")
        raise RuntimeError("the batch failed")

    assert not AuditEvent.objects.exists()
    assert AuditChainHead.objects.get(pk=1).sequence == 0


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_outside_a_transaction_it_refuses():
    with pytest.raises(RuntimeError, match="inside a transaction"), audit_chain_append():
        pass
