"""``manage.py seed_scale``: realistic volume on PostgreSQL, resumable, the audit chain intact."""

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from approvals.domain.workflow_definition import parse_definition
from approvals.models import (
    Application,
    ApplicationUserObjectPermission,
    ClockPause,
    Licence,
    ReviewTask,
)
from approvals.models.working_calendar import sla_light_for
from audit.checkpoints import verify_audit_trail
from audit.models import AuditChainHead, AuditEvent
from demo.scale.plan import STATUS_MIX
from demo.scale.seed import drop_progress_table, seed_scale
from tests.support import task_lights

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="seed_scale writes with PostgreSQL's COPY; set DATABASE_URL to a PostgreSQL database",
)
PASSWORD = "scale-password-123"


@pytest.fixture
def demo_city(db):
    """What ``seed_demo --no-applications`` makes: departments, officials, the catalogue."""
    from demo.catalogue import seed_catalogue
    from demo.management.commands.seed_demo import DemoSeeder

    DemoSeeder(password=PASSWORD, reset_passwords=False).seed()
    seed_catalogue()
    yield
    drop_progress_table()  # not one of Django's tables: the flush between tests leaves it


def quiet(done: int, events: int) -> None:
    pass


def snapshot() -> dict:
    head = AuditChainHead.objects.get(pk=1)
    return {
        "applications": Application.objects.count(),
        "tasks": ReviewTask.objects.count(),
        "events": AuditEvent.objects.count(),
        "head": (head.sequence, head.hash),
        "licences": Licence.objects.count(),
    }


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_small_seed_has_realistic_states_tasks_and_an_intact_chain(demo_city):
    result = seed_scale(applications=300, password=PASSWORD, progress=quiet)

    assert result.added == 300
    assert Application.objects.count() == 300
    statuses = Counter(Application.objects.values_list("status", flat=True))
    expected = dict(STATUS_MIX)
    assert set(statuses) <= set(expected)
    for status in ("draft", "submitted", "under_review", "licence_issued", "denied"):
        share = statuses[status] / 300 * 100
        assert expected[status] / 2 <= share <= expected[status] * 1.6 + 2, (status, share)
    # About 1.4 tasks and 7 audit events per application, as measured at one million (issue 12).
    assert 1.1 <= ReviewTask.objects.count() / 300 <= 1.8
    assert 6 <= AuditEvent.objects.filter(object_type__startswith="approvals.").count() / 300 <= 9
    assert verify_audit_trail().intact


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_tasks_follow_each_services_workflow_and_todays_lights(demo_city):
    seed_scale(applications=300, password=PASSWORD, progress=quiet)

    accepted = Application.objects.exclude(accepted_on=None).select_related("service_version__item")
    assert accepted.exists()
    paused = set(ClockPause.objects.filter(ended_on=None).values_list("application_id", flat=True))
    lights = task_lights()  # derived as the pages do: nothing stores a light
    for application in accepted:
        definition = parse_definition(application.service_version.workflow_definition)
        branches = {
            (stage.key, branch.key): (branch.department, branch.role)
            for stage in definition.stages
            for branch in stage.branches
        }
        tasks = list(application.tasks.select_related("department"))
        assert tasks, application.tracking_number
        for task in tasks:
            assert branches[(task.stage_key, task.branch_key)] == (task.department.code, task.role)
            assert (task.completed_at is None) == (task.status == "open")
        open_tasks = [task for task in tasks if task.status == "open"]
        assert bool(open_tasks) == (application.status == "under_review")
        for task in open_tasks:
            assert task.stage_key == application.current_stage_key
            today = timezone.localdate()
            paused_now = application.pk in paused
            assert lights[task.pk] == sla_light_for(today, task.due_on, paused=paused_now)
    numbers = list(
        Application.objects.exclude(tracking_number=None).values_list("tracking_number", flat=True)
    )
    assert all(number.count("-") >= 2 for number in numbers)
    assert len(numbers) == len(set(numbers))


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_number_again_adds_nothing_and_a_larger_one_resumes(demo_city):
    seed_scale(applications=300, password=PASSWORD, progress=quiet)
    first = snapshot()
    first_ids = list(Application.objects.order_by("pk").values_list("pk", "tracking_number"))

    again = seed_scale(applications=300, password=PASSWORD, progress=quiet)

    assert again.added == 0
    assert snapshot() == first

    bigger = seed_scale(applications=1300, password=PASSWORD, progress=quiet)

    assert bigger.added == 1000
    assert Application.objects.count() == 1300
    assert (
        list(Application.objects.order_by("pk").values_list("pk", "tracking_number")[:300])
        == first_ids
    )
    assert ApplicationUserObjectPermission.objects.exists() or Application.objects.count() < 1000
    assert verify_audit_trail().intact


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_command_writes_the_benchmark_subjects(demo_city, tmp_path):
    path = tmp_path / "subjects.json"
    out = io.StringIO()

    call_command(
        "seed_scale",
        applications=1000,
        password=PASSWORD,
        subjects=str(path),
        stdout=out,
        stderr=io.StringIO(),
    )

    document = json.loads(path.read_text())
    assert document["format"] == "portal-scale-subjects/1"
    assert document["applications"] == 1000
    subjects = document["subjects"]
    assert set(subjects) == {"reviewer", "department_head", "supervisor", "intake_clerk", "citizen"}
    assert subjects["reviewer"]["visible_open_tasks"] > 0
    assert (
        subjects["department_head"]["visible_open_tasks"]
        >= subjects["reviewer"]["visible_open_tasks"]
        or subjects["department_head"]["department"] != subjects["reviewer"]["department"]
    )
    assert 15 <= subjects["citizen"]["visible_applications"] <= 50
    assert "Added 1,000 applications" in out.getvalue()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
@pytest.mark.django_db
def test_sqlite_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_scale", applications=10, password=PASSWORD)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_interrupted_run_continues_after_its_last_committed_block(demo_city, monkeypatch):
    from demo.scale.write import BlockWriter

    real_write = BlockWriter.write

    def interrupted(self, block, first, last):
        if block.number == 1:
            raise RuntimeError("interrupted")
        return real_write(self, block, first, last)

    monkeypatch.setattr(BlockWriter, "write", interrupted)
    with pytest.raises(RuntimeError):
        seed_scale(applications=1500, password=PASSWORD, progress=quiet)
    assert Application.objects.count() == 1000
    monkeypatch.undo()

    result = seed_scale(applications=1500, password=PASSWORD, progress=quiet)

    assert result.added == 500
    assert Application.objects.count() == 1500
    assert verify_audit_trail().intact


def bulk_table_indexes() -> set[tuple[str, str]]:
    """(table, index or constraint) pairs: names, as a rebuilt partial index may print its
    condition differently."""
    from demo.scale.seed import BULK_FOREIGN_KEY_TABLES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[])",
            [list(BULK_FOREIGN_KEY_TABLES), list(BULK_FOREIGN_KEY_TABLES)],
        )
        return set(cursor.fetchall())


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_builds_the_indexes_it_dropped_even_after_an_interruption(
    demo_city, monkeypatch
):
    from demo.scale import seed as scale_seed
    from demo.scale.write import BlockWriter

    before = bulk_table_indexes()
    monkeypatch.setattr(scale_seed, "BULK_MINIMUM", 0)
    real_write = BlockWriter.write

    def interrupted(self, block, first, last):
        if block.number == 1:
            raise RuntimeError("interrupted")
        return real_write(self, block, first, last)

    monkeypatch.setattr(BlockWriter, "write", interrupted)
    with pytest.raises(RuntimeError):
        seed_scale(applications=1500, password=PASSWORD, progress=quiet)
    assert bulk_table_indexes() < before  # left without its secondary indexes
    monkeypatch.setattr(BlockWriter, "write", real_write)

    seed_scale(applications=1000, password=PASSWORD, progress=quiet)  # nothing to add

    assert bulk_table_indexes() == before
    assert Application.objects.count() == 1000
    assert verify_audit_trail().intact
