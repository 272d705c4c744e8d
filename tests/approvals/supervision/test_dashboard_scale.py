"""The supervision dashboard at scale (issue 12): its figures come from derived tables (the
open-task ledger, the rolled-up statistics) and must stay exactly what the straightforward
aggregate over the applications and tasks gives, whatever happened since the roll-up; its query
count does not grow with the data; on PostgreSQL its queries read no table of applications or
tasks from end to end."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Department
from approvals.models import (
    Application,
    CalendarDay,
    CardColour,
    OpenTaskCount,
    RectificationTask,
    ReviewTask,
    ServiceRating,
    StatisticsChange,
    StatisticsRolledDay,
    SupervisionCard,
    TaskStatus,
)
from approvals.models.working_calendar import calendar_key, working_calendar
from approvals.selectors.ratings import satisfaction_by_department
from approvals.selectors.supervision import (
    Period,
)
from approvals.services.supervision_rollup import (
    open_task_counts_compact,
    open_task_counts_rebuild,
    statistics_rollup,
)
from tests.approvals.supervision.support import (
    PERIODS,
    TODAY,
    D,
    assert_same_statistics,
    reference_running,
    reference_statistics,
    shown_running,
)
from tests.explain import (
    analyze,
    assert_no_seq_scan,
    captured_selects,
    requires_postgresql,
    seq_scanned,
)
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    ReviewTaskFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)
from tests.support import due_for_light

pytestmark = pytest.mark.django_db


# --- A data set with every state -----------------------------------------------------------------


@pytest.fixture
def catalogue(city):
    """The city's food licence (and a retired second version of it), and a clinic permit of the
    health bureau."""
    old_food = ServiceVersionFactory(
        item=city.version.item, name_en="Food business licence (2025)", status="retired"
    )
    clinic_item = ServiceItemFactory(code="YLJG", department=city.other)
    clinic = ServiceVersionFactory(item=clinic_item, name_en="Clinic permit", published=True)
    return [city.version, old_food, clinic]


STATES = [
    # status, accepted?, decided?
    ("submitted", False, False),
    ("not_accepted", False, False),
    ("supplement_requested", False, False),
    ("withdrawn", False, False),
    ("accepted", True, False),
    ("accepted_with_pledge", True, False),
    ("under_review", True, False),
    ("approved", True, True),
    ("licence_issued", True, True),
    ("closed", True, True),
    ("denied", True, True),
]


def seed_applications(versions, count: int = 160, seed: int = 12) -> list[Application]:
    """Applications in every state over the 70 days up to today, with statutory due dates known
    or not, decided on time or late; one accepted before the calendar begins (its working days
    cannot be counted) and one decided without an acceptance date."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        status, accepted, decided = STATES[n % len(STATES)]
        received = TODAY - D(days=rng.randrange(0, 70))
        accepted_on = received + D(days=rng.randrange(0, 4)) if accepted else None
        accepted_on = min(accepted_on, TODAY) if accepted_on else None
        decided_on = min(accepted_on + D(days=rng.randrange(0, 40)), TODAY) if decided else None
        due = accepted_on + D(days=28) if accepted_on and rng.random() > 0.15 else None
        made.append(
            ApplicationFactory(
                service_version=versions[n % len(versions)],
                submitted=True,
                status=status,
                received_on=received,
                accepted_on=accepted_on,
                decided_on=decided_on,
                decision_due_on=due,
            )
        )
    made.append(
        ApplicationFactory(
            service_version=versions[0],
            submitted=True,
            status="approved",
            received_on=dt.date(2003, 12, 1),
            accepted_on=dt.date(2003, 12, 2),
            decided_on=TODAY - D(days=3),
            decision_due_on=TODAY,
        )
    )
    made.append(
        ApplicationFactory(
            service_version=versions[2],
            submitted=True,
            status="denied",
            received_on=TODAY - D(days=9),
            decided_on=TODAY - D(days=2),
        )
    )
    return made


def test_statistics_equal_the_straightforward_aggregate_before_and_after_the_roll_up(catalogue):
    seed_applications(catalogue)

    assert_same_statistics()  # nothing rolled up: every day counted live

    report = statistics_rollup()

    assert report.days > 60
    assert not StatisticsChange.objects.filter(day__lt=TODAY).exists()
    assert_same_statistics()  # from the roll-up, today live
    assert statistics_rollup().days == 0  # idle when nothing changed


def test_changes_after_the_roll_up_count_at_once_and_are_rolled_up_next_time(catalogue):
    applications = seed_applications(catalogue)
    statistics_rollup()
    at_window = next(a for a in applications if a.status == "submitted" and a.received_on < TODAY)
    decided_untimed = next(
        a for a in applications if a.status == "approved" and a.decision_due_on is None
    )
    issued = next(a for a in applications if a.status == "licence_issued")
    denied = next(a for a in applications if a.status == "denied" and a.accepted_on)

    # Deemed acceptance dates acceptance back to the day of receipt (Art. 32).
    Application.objects.filter(pk=at_window.pk).update(
        status="accepted", accepted_on=at_window.received_on
    )
    # A due date filled in once the calendar reaches it, for a decided application.
    decided_untimed.decision_due_on = decided_untimed.decided_on
    decided_untimed.save(update_fields=["decision_due_on"])
    Application.objects.filter(pk=issued.pk).update(status="closed")
    Application.objects.filter(pk=denied.pk).update(service_version=catalogue[2])
    Application.objects.filter(pk=applications[7].pk).delete()
    ApplicationFactory(  # filed at the counter with last week's dates
        service_version=catalogue[1],
        submitted=True,
        status="approved",
        received_on=TODAY - D(days=8),
        accepted_on=TODAY - D(days=8),
        decided_on=TODAY - D(days=1),
        decision_due_on=TODAY,
    )

    assert StatisticsChange.objects.filter(day__lt=TODAY).exists()
    assert_same_statistics()  # the changed days are counted live

    statistics_rollup()

    assert not StatisticsChange.objects.filter(day__lt=TODAY).exists()
    assert_same_statistics()


def test_a_calendar_change_makes_the_rolled_up_working_days_stale(catalogue):
    seed_applications(catalogue)
    statistics_rollup()
    a_working_day = TODAY - D(days=7)  # Monday 2026-06-08

    CalendarDay.objects.create(date=a_working_day, kind="holiday", name="Test holiday")

    assert not StatisticsRolledDay.objects.filter(
        calendar_key=calendar_key(working_calendar())
    ).exists()
    assert_same_statistics()  # every day live, with the new calendar
    assert statistics_rollup().days > 60
    assert_same_statistics()


def reference_satisfaction(period: Period) -> dict:
    ratings = {
        row["department_id"]: (row["n"], row["satisfied"])
        for row in ServiceRating.objects.filter(
            created_at__date__gte=period.start, created_at__date__lte=period.end
        )
        .values("department_id")
        .annotate(n=Count("pk"), satisfied=Count("pk", filter=Q(grade__gte=4)))
    }
    stats = reference_statistics(period)["departments"]
    result = {}
    for department in set(ratings) | {key for key, f in stats.items() if f[2] + f[3]}:
        n, satisfied = ratings.get(department, (0, 0))
        figures = stats.get(department)
        result[department] = (
            n,
            satisfied,
            figures[2] + figures[3] if figures else 0,
            figures[4] / figures[5] if figures and figures[5] else None,
        )
    return result


def shown_satisfaction(period: Period) -> dict:
    names = {d.pk: d.name_en for d in Department.objects.all()}
    with translation.override("en"):
        rows = satisfaction_by_department(period)
    return {
        next(pk for pk, name in names.items() if name == row.name): (
            row.ratings,
            row.satisfied,
            row.decided,
            row.on_time_rate,
        )
        for row in rows
    }


def rate(application, grade: int, when: dt.datetime) -> ServiceRating:
    rating = ServiceRating.objects.create(
        application=application,
        department=application.service_version.item.department,
        grade=grade,
        rater=application.created_by,
    )
    ServiceRating.objects.filter(pk=rating.pk).update(created_at=when)
    return rating


def test_satisfaction_equals_the_straightforward_aggregate_after_ratings_change(catalogue):
    applications = seed_applications(catalogue)
    decided = [a for a in applications if a.decided_on]
    shanghai = timezone.get_current_timezone()
    ratings = [
        # Late evening and early morning: the local day is not the UTC day.
        rate(a, 1 + n % 5, dt.datetime.combine(a.decided_on, dt.time(n % 24, 30), shanghai))
        for n, a in enumerate(decided)
    ]

    def same():
        for period in PERIODS:
            assert shown_satisfaction(period) == reference_satisfaction(period), period

    same()
    statistics_rollup()
    same()

    ServiceRating.objects.filter(pk=ratings[0].pk).update(grade=5)
    ServiceRating.objects.filter(pk=ratings[1].pk).update(
        created_at=timezone.now() - D(days=20, hours=7)
    )
    ratings[2].delete()
    same()
    statistics_rollup()
    same()


# --- Running tasks by light ------------------------------------------------------------------


def test_running_tasks_follow_every_change_of_the_tasks(city, catalogue):
    applications = seed_applications(catalogue, count=30)
    third = DepartmentFactory(name_en="Fire brigade")
    tasks = [
        ReviewTaskFactory(
            application=application,
            department=[city.bureau, city.other, third][n % 3],
            light=["green", "yellow", "red", ""][n % 4],
            status="open" if n % 5 else "approved",
        )
        for n, application in enumerate(applications)
    ]
    assert shown_running() == reference_running()

    # Due dates change in bulk (a recount); officials complete, reassign and reopen them.
    ReviewTask.objects.filter(pk__in=[t.pk for t in tasks[:12]]).update(due_on=due_for_light("red"))
    ReviewTask.objects.filter(pk__in=[t.pk for t in tasks[12:16]]).update(status="approved")
    tasks[16].department = city.bureau
    tasks[16].save()
    ReviewTask.objects.filter(pk=tasks[0].pk).update(status="open", due_on=due_for_light("yellow"))
    tasks[20].delete()
    ReviewTaskFactory(application=applications[3], department=third, light="")

    assert shown_running() == reference_running()
    rows_before = OpenTaskCount.objects.count()

    open_task_counts_compact()

    assert OpenTaskCount.objects.count() < rows_before
    assert shown_running() == reference_running()

    OpenTaskCount.objects.all().delete()  # as if a bulk load had bypassed the triggers
    open_task_counts_rebuild()

    assert shown_running() == reference_running()


# --- Query counts ------------------------------------------------------------------------------


def _cases(city, count: int, start: int) -> None:
    for n in range(start, start + count):
        day = TODAY - D(days=1 + n % 20)
        application = ApplicationFactory(
            service_version=city.version,
            submitted=True,
            status=["approved", "denied", "under_review"][n % 3],
            received_on=day - D(days=5),
            accepted_on=day - D(days=4),
            decided_on=day if n % 3 < 2 else None,
            decision_due_on=day + D(days=1),
        )
        task = ReviewTaskFactory(
            application=application, department=city.bureau, light=["green", "red"][n % 2]
        )
        SupervisionCard.objects.create(
            application=application,
            task=task,
            department=city.bureau,
            colour=CardColour.RED,
            reason="late",
            issued_on=day,
        )
        rating = ServiceRating.objects.create(
            application=application, department=city.bureau, grade=1, rater=city.citizen
        )
        RectificationTask.objects.create(rating=rating, department=city.bureau, due_on=TODAY)


def _dashboard(client):
    return client.get(reverse("approvals:supervision_dashboard"))


def test_the_dashboard_runs_as_many_queries_for_ten_times_the_data(
    city, verified_client_factory, django_assert_num_queries
):
    client = verified_client_factory(city.supervisor)
    _cases(city, 4, 0)
    statistics_rollup()
    _dashboard(client)  # the working-day calendar is loaded once per process
    with CaptureQueriesContext(connection) as few:
        assert _dashboard(client).status_code == 200

    _cases(city, 40, 4)
    statistics_rollup()

    with django_assert_num_queries(len(few)):
        assert _dashboard(client).status_code == 200


# --- Index use on PostgreSQL ---------------------------------------------------------------------

SEED_SQL = """
INSERT INTO approvals_application (service_version_id, applicant_kind, person_id, created_by_id,
  filed_at_counter, status, data, current_step, tracking_number, query_code_hash, submitted_at,
  received_on, intake_due_on, accepted_on, deemed_accepted, decision_due_on, promised_due_on,
  decided_on, current_stage_key, workflow_round, licence_action, revision, created_at, updated_at)
SELECT (%(versions)s::int[])[1 + g %% 3], 'person', %(person)s, %(user)s, false, s.status, '{}', 0,
  'SCALE-' || g, '', now(), r.received, r.received + 7,
  CASE WHEN s.accepted THEN r.received + 1 END, false,
  CASE WHEN s.accepted THEN r.received + 29 END, NULL,
  CASE WHEN s.decided THEN LEAST(r.received + 2 + g %% 40, %(today)s::date) END,
  '', 1, '', 1, now(), now()
FROM generate_series(1, %(n)s) g
CROSS JOIN LATERAL (SELECT %(today)s::date - (g * 7919) %% 400 AS received) r
CROSS JOIN LATERAL (SELECT
  (ARRAY['approved','approved','licence_issued','closed','denied','under_review','submitted',
         'withdrawn','accepted','not_accepted'])[1 + g %% 10] AS status,
  g %% 10 NOT IN (6, 7, 9) AS accepted,
  g %% 10 < 5 AS decided) s
"""

TASKS_SQL = """
INSERT INTO approvals_reviewtask (application_id, stage_key, branch_key, round, department_id,
  role, status, due_on, return_to, comment, created_at, revision)
SELECT a.id, 'review', 'main', 1, %(department)s, 'reviewer',
  CASE WHEN a.status IN ('under_review', 'accepted') THEN 'open' ELSE 'approved' END,
  a.accepted_on + 20, '', '', now(), 1
FROM approvals_application a WHERE a.accepted_on IS NOT NULL
"""

CARDS_SQL = """
INSERT INTO approvals_supervisioncard (application_id, task_id, department_id, colour, reason,
  issued_on, created_at)
SELECT t.application_id, t.id, t.department_id, 'red', 'late', t.due_on + 1, now()
FROM approvals_reviewtask t WHERE t.id %% 3 = 0
"""


@requires_postgresql
def test_the_dashboard_reads_applications_and_tasks_by_index_only(city, verified_client_factory):
    versions = [
        city.version.pk,
        ServiceVersionFactory(item=city.version.item, status="retired").pk,
        ServiceVersionFactory(published=True).pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            SEED_SQL,
            {
                "versions": versions,
                "person": city.citizen.person.pk,
                "user": city.citizen.pk,
                "today": timezone.localdate(),
                "n": 30_000,
            },
        )
        cursor.execute(TASKS_SQL, {"department": city.bureau.pk})
        cursor.execute(CARDS_SQL, {})
    statistics_rollup()
    analyze(
        "approvals_application",
        "approvals_reviewtask",
        "approvals_supervisioncard",
        "approvals_opentaskcount",
        "approvals_statisticsday",
        "approvals_statisticsduration",
        "approvals_statisticsrolledday",
        "approvals_statisticschange",
    )
    # Enough rows for the plan to matter: the grouping the dashboard used to run reads them all.
    old_grouping = (
        ReviewTask.objects.filter(status=TaskStatus.OPEN)
        .values("application__service_version__item_id", "due_on")
        .annotate(n=Count("pk"))
    )
    assert "approvals_application" in seq_scanned(old_grouping)
    client = verified_client_factory(city.supervisor)

    for query in ({}, {"start": "2025-01-01", "end": timezone.localdate().isoformat()}):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("approvals:supervision_dashboard"), query).status_code == 200

        selects = captured_selects(captured)
        assert any("approvals_statisticsday" in sql for sql in selects)
        for sql in selects:
            assert_no_seq_scan(sql, ["approvals_application", "approvals_reviewtask"])


def test_the_dashboard_lists_the_first_cards_and_rectifications_and_says_so(
    city, verified_client_factory
):
    _cases(city, 51, 0)  # 51 red cards of open tasks, 51 open rectifications
    client = verified_client_factory(city.supervisor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = _dashboard(client).content.decode()
    chinese = verified_client_factory(city.supervisor).get(
        reverse("approvals:supervision_dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert page.count("TEST-20250101-") >= 50  # tracking numbers in the card list
    assert "Only the first 50 cards are shown." in page
    assert "Only the 50 rectifications due first are shown." in page
    assert "仅显示前 50 张督办牌。" in chinese.content.decode()
