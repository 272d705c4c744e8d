"""The workload per official (issue 18) comes from a ledger the database keeps by (department,
assignee, due date, stopped clock), its lights summed by band of due dates: whatever a service, a
pause or a bulk write does to a review task, the officials' columns on the supervision workload
page equal a live count of the open tasks, and follow the day with no sweep."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import OfficialRole
from approvals.db import statistics_sql
from approvals.models import ClockPause, OfficialTaskCount, ReviewTask
from approvals.models.working_calendar import clock_stopped
from approvals.selectors.supervision_trends import official_workload
from approvals.services.applications import application_withdraw
from approvals.services.supervision_rollup import open_task_counts_compact, open_task_counts_rebuild
from approvals.services.tasks import (
    task_approve,
    task_assign,
    task_claim,
    task_pause_clock,
    task_reject,
    task_release,
)
from tests.factories import (
    ApplicationFactory,
    ClockPauseFactory,
    DepartmentFactory,
    OfficialFactory,
    ReviewTaskFactory,
    UserFactory,
)
from tests.support import due_for_light

from .conftest import task_of

pytestmark = pytest.mark.django_db

LIGHTS = ["green", "yellow", "red", "paused", ""]
SHANGHAI = ZoneInfo("Asia/Shanghai")
BUCKET = ("department_id", "assignee_id", "due_on", "clock_stopped")


def kept(departments) -> set[tuple]:
    """The ledger's sums per (department, assignee, due date, stopped clock), zeros left out."""
    rows = (
        OfficialTaskCount.objects.filter(department__in=departments)
        .values(*BUCKET)
        .annotate(n=Sum("tasks"))
        .exclude(n=0)
        .order_by()
    )
    return {(*(r[c] for c in BUCKET), r["n"]) for r in rows}


def counted(departments) -> set[tuple]:
    """The same, counted live from the open tasks and their applications' pauses."""
    rows = (
        ReviewTask.objects.filter(department__in=departments, status="open")
        .annotate(clock_stopped=clock_stopped())
        .values(*BUCKET)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(*(r[c] for c in BUCKET), r["n"]) for r in rows}


def workload(department) -> dict:
    """What the workload page shows for ``department``: per official (None: not claimed yet),
    the open tasks by light."""
    return {
        row.pk: {light: getattr(row, light) for light in ("green", "yellow", "red", "paused")}
        for row in official_workload(department.pk)
    }


def totals(department) -> dict:
    return {pk: sum(lights.values()) for pk, lights in workload(department).items()}


@pytest.fixture
def departments(demo):
    return [demo.natres, demo.housing, demo.fire, demo.other]


def test_claim_reassignment_and_release_move_the_task_between_officials(demo, started, departments):
    # given the planning review open at the planning department, nobody's yet
    planning = task_of(started, "planning")
    reviewer = demo.reviewers["planning"]
    colleague = OfficialFactory(department=demo.natres, role=OfficialRole.REVIEWER).user
    assert totals(demo.natres) == {None: 1}
    # when the reviewer claims it
    task_claim(actor=reviewer, task=planning, revision=planning.revision)
    # then it is theirs on the workload page
    assert totals(demo.natres) == {reviewer.pk: 1}
    # when the head gives it to a colleague
    task_assign(actor=demo.head, task=planning, assignee=colleague, revision=planning.revision)
    # then it moves to the colleague
    assert totals(demo.natres) == {colleague.pk: 1}
    # when the colleague gives it back to the queue
    task_release(actor=colleague, task=planning, revision=planning.revision)
    # then nobody holds it again, and the other departments never changed
    assert totals(demo.natres) == {None: 1}
    assert totals(demo.fire) == {None: 1} and totals(demo.housing) == {None: 1}
    assert kept(departments) == counted(departments)


def test_the_days_lights_and_a_stopped_clock_show_in_the_officials_columns(
    demo, started, departments
):
    # given the fire reviewer holds the fire review
    fire = task_of(started, "fire")
    reviewer = demo.reviewers["fire"]
    task_claim(actor=reviewer, task=fire, revision=fire.revision)
    assert workload(demo.fire)[reviewer.pk]["green"] == 1
    # when the page is read the day after it was due (no sweep in between)
    late = dt.datetime.combine(fire.due_on + dt.timedelta(days=1), dt.time(9), tzinfo=SHANGHAI)
    with time_machine.travel(late, tick=False):
        # then it is red in the reviewer's row
        red = {"green": 0, "yellow": 0, "red": 1, "paused": 0}
        assert workload(demo.fire) == {reviewer.pk: red}
        # when the reviewer stops the clock for an inspection
        fire.refresh_from_db()
        task_pause_clock(
            actor=reviewer, task=fire, revision=fire.revision, kind="inspection", reason="Site"
        )
        # then it shows as paused, not red, at once
        paused = {"green": 0, "yellow": 0, "red": 0, "paused": 1}
        assert workload(demo.fire) == {reviewer.pk: paused}
    assert kept(departments) == counted(departments)


def test_decisions_close_the_officials_tasks_and_open_the_next_stages(demo, started, departments):
    # given each reviewer claims and approves their department's review
    for branch, user in demo.reviewers.items():
        task = task_of(started, branch)
        task_claim(actor=user, task=task, revision=task.revision)
        assert totals(task.department) == {user.pk: 1}
        task_approve(actor=user, task=task, revision=task.revision)
        assert totals(task.department) == {}
    # then the decision waits, unclaimed, at the planning department
    assert totals(demo.natres) == {None: 1}
    decision = task_of(started, "decision")
    # when an approver claims it and drafts the approval (back to the queue for a second person)
    task_claim(actor=demo.approver, task=decision, revision=decision.revision)
    assert totals(demo.natres) == {demo.approver.pk: 1}
    task_approve(actor=demo.approver, task=decision, revision=decision.revision)
    assert totals(demo.natres) == {None: 1}
    # and a second approver approves
    task_approve(actor=demo.approver2, task=decision, revision=decision.revision)
    # then no official has open work left
    for department in departments:
        assert totals(department) == {}
    assert kept(departments) == counted(departments) == set()


def test_a_rejection_cancels_the_other_branches_in_their_officials_rows(demo, started, departments):
    # given the housing and fire reviewers hold their reviews
    for branch in ("housing", "fire"):
        task = task_of(started, branch)
        task_claim(actor=demo.reviewers[branch], task=task, revision=task.revision)
    # when the fire reviewer rejects
    fire = task_of(started, "fire")
    task_reject(actor=demo.reviewers["fire"], task=fire, revision=fire.revision, reasons="Exits")
    # then the workload page shows exactly the tasks still open, by who holds them
    open_now = ReviewTask.objects.filter(application=started, status="open")
    expected: dict = {}
    for task in open_now:
        per = expected.setdefault(task.department_id, {})
        per[task.assignee_id] = per.get(task.assignee_id, 0) + 1
    for department in departments:
        assert totals(department) == expected.get(department.pk, {})
    assert totals(demo.fire) == {}
    assert kept(departments) == counted(departments)


def test_withdrawal_cancels_every_officials_task(demo, started, departments):
    # given two reviews claimed and one not
    for branch in ("planning", "fire"):
        task = task_of(started, branch)
        task_claim(actor=demo.reviewers[branch], task=task, revision=task.revision)
    assert totals(demo.fire) == {demo.reviewers["fire"].pk: 1}
    # when the applicant withdraws the application
    application_withdraw(actor=started.created_by, application=started, reason="Dropped")
    # then no department shows any open work for it
    for department in departments:
        assert totals(department) == {}
    assert kept(departments) == counted(departments) == set()


# --- The ledger against a live count, after any sequence of writes -------------------------------


@pytest.fixture
def world():
    """Three departments, officials, 40 open and closed tasks at random (a fixed seed)."""
    rng = random.Random(18)
    departments = [DepartmentFactory(), DepartmentFactory(), DepartmentFactory()]
    applications = [ApplicationFactory(under_review=True) for _ in range(6)]
    officials = [UserFactory() for _ in range(4)]
    for _ in range(40):
        ReviewTaskFactory(
            application=rng.choice(applications),
            department=rng.choice(departments),
            status=rng.choice(["open", "open", "approved", "cancelled"]),
            light=rng.choice(LIGHTS),
            assignee=rng.choice([None, *officials]),
        )
    return {"departments": departments, "officials": officials, "applications": applications}


ACTS = st.tuples(
    st.sampled_from(
        [
            "create",
            "claim",
            "release",
            "reassign",
            "light",
            "close",
            "reopen",
            "move",
            "comment",
            "delete",
            "rehome",
            "pause",
            "resume",
            "unpause_all",
            "drop_pause",
            "bulk_light",
            "bulk_release",
            "bulk_close",
        ]
    ),
    st.integers(min_value=0, max_value=10_000),
)


def _act(world, act: str, n: int) -> None:
    departments, officials = world["departments"], world["officials"]
    tasks = list(ReviewTask.objects.filter(department__in=departments).order_by("pk"))
    task = tasks[n % len(tasks)] if tasks else None
    if act == "create" or task is None:
        ReviewTaskFactory(
            application=world["applications"][n % len(world["applications"])],
            department=departments[n % len(departments)],
            light=LIGHTS[n % len(LIGHTS)],
            assignee=[None, *officials][n % (len(officials) + 1)],
        )
    elif act in ("claim", "reassign"):
        task.assignee = officials[n % len(officials)]
        task.save(update_fields=["assignee"])
    elif act == "release":
        task.assignee = None
        task.save(update_fields=["assignee"])
    elif act == "light":  # a new due date (a pause's recount, the calendar's fill)
        task.due_on = due_for_light(LIGHTS[n % len(LIGHTS)])
        task.save(update_fields=["due_on"])
    elif act == "close":
        task.status = ["approved", "rejected", "cancelled"][n % 3]
        task.save(update_fields=["status"])
    elif act == "reopen":
        task.status = "open"
        task.save(update_fields=["status"])
    elif act == "move":
        task.department = departments[n % len(departments)]
        task.save()  # every column, as the admin saves it
    elif act == "comment":
        task.comment = f"note {n}"
        task.save()
    elif act == "delete":
        task.delete()
    elif act == "rehome":
        task.application = world["applications"][n % len(world["applications"])]
        task.save(update_fields=["application"])
    elif act == "pause":  # the clock stops (maybe a second pause of a stopped clock)
        ClockPauseFactory(application=world["applications"][n % len(world["applications"])])
    elif act == "resume":  # one pause ends (the clock runs if it was the only one)
        pause = ClockPause.objects.filter(ended_on=None).order_by("pk")[n % 2 : n % 2 + 1].first()
        if pause is not None:
            pause.ended_on = pause.started_on
            pause.save(update_fields=["ended_on"])
    elif act == "unpause_all":  # one statement ends every pause
        ClockPause.objects.filter(ended_on=None).update(ended_on=dt.date(2100, 1, 1))
    elif act == "drop_pause":
        ClockPause.objects.filter(
            pk__in=ClockPause.objects.order_by("-pk").values("pk")[:1]
        ).delete()
    elif act == "bulk_light":  # one statement for many tasks (a recount's bulk update)
        ReviewTask.objects.filter(department__in=departments, status="open").filter(
            pk__in=[t.pk for t in tasks[n % 3 :: 2]]
        ).update(due_on=due_for_light(LIGHTS[n % len(LIGHTS)]))
    elif act == "bulk_release":
        ReviewTask.objects.filter(department=departments[n % len(departments)]).update(
            assignee=None
        )
    else:  # bulk_close
        ReviewTask.objects.filter(pk__in=[t.pk for t in tasks[:: 3 + n % 3]]).update(
            status="cancelled"
        )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(acts=st.lists(ACTS, max_size=25))
def test_the_ledger_equals_a_live_count_after_any_sequence_of_writes(world, acts):
    departments = world["departments"]
    with transaction.atomic():
        # when any sequence of claims, releases, reassignments, due dates, closings, moves,
        # deletions, stopped and running clocks and set-wise updates is written
        for act, n in acts:
            _act(world, act, n)
        # then the ledger sums equal the live count, and still do once compacted and rebuilt
        assert kept(departments) == counted(departments)
        open_task_counts_compact()
        assert kept(departments) == counted(departments)
        open_task_counts_rebuild()
        assert kept(departments) == counted(departments)
        transaction.set_rollback(True)  # each example starts from the same world


def test_compacting_folds_the_ledger_to_one_row_per_bucket(world):
    departments = world["departments"]
    for n in range(30):
        _act(world, ["claim", "light", "release", "close", "reopen"][n % 5], n * 7)
    before = kept(departments)
    rows = OfficialTaskCount.objects.count()

    open_task_counts_compact()

    assert OfficialTaskCount.objects.count() < rows
    assert OfficialTaskCount.objects.filter(department__in=departments).count() == len(before)
    assert kept(departments) == before == counted(departments)


def test_every_ledger_trigger_is_there_after_the_migrations():
    """A migration that rebuilds the review task or the pause table on SQLite drops its
    triggers; the migration must create them again (approvals/db/statistics_sql.py)."""
    expected = {
        statistics_sql.TASK: {
            f"approvals_{ledger}_{op}"
            for ledger in ("open_task_count", "official_task_count")
            for op in ("insert", "update", "delete")
        },
        statistics_sql.PAUSE: {
            f"approvals_clock_ledgers_{op}" for op in ("insert", "update", "delete")
        },
    }
    for table, names in expected.items():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [table]
                )
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
            present = {row[0] for row in cursor.fetchall()}
        assert names <= present, table
