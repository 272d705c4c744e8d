"""``manage.py verify_audit``: exit 0 with a summary when the chain is intact, else exit 1 naming
the first bad event."""

import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from audit.chain import audit_record
from audit.models import AuditChainHead
from tests.approvals import tampering

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    return [audit_record(action="test.step", reason=f"step {n}") for n in range(1, 6)]


def verify_audit() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def failure() -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        verify_audit()
    return excinfo.value


def test_an_intact_chain_is_reported_with_its_length_and_head(chain):
    output = verify_audit()

    assert output.strip() == f"audit chain intact: 5 events, head {chain[-1].hash}"


def test_an_empty_chain_is_intact():
    assert verify_audit().strip() == f"audit chain intact: 0 events, head {'0' * 64}"


def test_from_the_command_line_an_intact_chain_exits_0(chain, capsys):
    execute_from_command_line(["manage.py", "verify_audit"])  # no SystemExit means status 0

    assert "audit chain intact: 5 events" in capsys.readouterr().out


def test_from_the_command_line_a_broken_chain_exits_1_with_the_problem(chain, capsys):
    tampering.edit(3, "reason", "edited")

    with pytest.raises(SystemExit) as excinfo:
        execute_from_command_line(["manage.py", "verify_audit"])

    assert excinfo.value.code == 1
    captured = capsys.readouterr()
    assert "audit event #3" in captured.err
    assert "intact" not in captured.out


def test_an_edited_event_is_named(chain):
    tampering.edit(3, "reason", "edited")

    error = failure()

    assert error.returncode == 1
    assert str(error) == "audit chain broken: audit event #3: its content does not match its hash"


def test_a_deleted_event_is_named(chain):
    tampering.delete(2)

    error = failure()

    assert error.returncode == 1
    assert str(error).startswith("audit chain broken: audit event #2: missing")


def test_swapped_events_are_named_at_the_first(chain):
    tampering.swap(3, 4)

    error = failure()

    assert error.returncode == 1
    assert "audit event #3:" in str(error)


def test_a_cut_off_tail_is_named_from_the_head_row(chain):
    tampering.delete(4, 5)

    error = failure()

    assert error.returncode == 1
    assert "audit event #4: missing: the chain ends at #3 but reached #5" in str(error)


def test_a_rewritten_chain_is_named_from_the_head_row(chain):
    tampering.rewrite(2, reason="edited")

    error = failure()

    assert error.returncode == 1
    assert "audit event #5: does not match the recorded head hash" in str(error)


def test_a_missing_head_row_is_a_failure(chain):
    AuditChainHead.objects.all().delete()

    error = failure()

    assert error.returncode == 1
    assert "head row is missing" in str(error)
