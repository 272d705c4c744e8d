"""The lists officials and applicants open every day read indexes, never a whole table (issue 12).

On a few tens of thousands of rows, analyzed, PostgreSQL's plan for every query of the queue page,
its API, the window's queue and the applicant's dashboard has no sequential scan of applications
or review tasks. A query that slipped back to an ``OR`` across visibility rules, or to an order no
index gives, fails here long before it is slow in production.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OfficialRole
from approvals.models import ReviewTask
from demo.catalogue import department_workflow
from tests.approvals.api.conftest import session_client
from tests.explain import analyze, assert_no_seq_scan, captured_selects, requires_postgresql
from tests.factories import (
    DepartmentFactory,
    OfficialFactory,
    PersonFactory,
    ServiceVersionFactory,
)

pytestmark = [pytest.mark.django_db, requires_postgresql]

BIG_TABLES = ["approvals_application", "approvals_reviewtask"]
APPLICATIONS = 30_000


def _fill(*, versions, departments, citizens):
    """30,000 applications of many applicants in every state, and a review task or two for each
    one past the window, spread over the departments (set-based, in the test's transaction)."""
    version_ids = "{" + ",".join(str(v.pk) for v in versions) + "}"
    department_ids = "{" + ",".join(str(d.pk) for d in departments) + "}"
    people = "{" + ",".join(str(c.person.pk) for c in citizens) + "}"
    users = "{" + ",".join(str(c.pk) for c in citizens) + "}"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO approvals_application (
              applicant_kind, filed_at_counter, status, data, current_step, tracking_number,
              query_code_hash, submitted_at, revision, created_at, updated_at, created_by_id,
              person_id, service_version_id, current_stage_key, deemed_accepted, workflow_round,
              licence_action, received_on, intake_due_on, theme_member_key)
            SELECT 'person', false,
              (ARRAY['draft', 'submitted', 'under_review', 'under_review', 'approved',
                     'licence_issued', 'rejected', 'withdrawn'])[1 + g %% 8],
              '{}'::jsonb, 0, 'IDX-' || g, '', now() - (g %% 400) * interval '1 day', 1,
              now() - (g %% 400) * interval '1 day', now() - g * interval '1 minute',
              (%(users)s::bigint[])[1 + g %% cardinality(%(users)s::bigint[])],
              (%(people)s::bigint[])[1 + g %% cardinality(%(people)s::bigint[])],
              (%(versions)s::bigint[])[1 + g %% cardinality(%(versions)s::bigint[])],
              '', false, 1, '', (now() - (g %% 400) * interval '1 day')::date,
              (now() - (g %% 400) * interval '1 day')::date + 5, ''
            FROM generate_series(1, %(count)s) AS g
            """,
            {"users": users, "people": people, "versions": version_ids, "count": APPLICATIONS},
        )
        cursor.execute(
            """
            INSERT INTO approvals_reviewtask (
              stage_key, branch_key, round, role, status, due_on, return_to, comment,
              created_at, revision, application_id, department_id)
            SELECT 'review', 'main', 1, (ARRAY['reviewer', 'approver'])[1 + (a.id / 64) %% 2],
              CASE WHEN a.status = 'under_review' THEN 'open' ELSE 'approved' END,
              a.received_on + (10 + a.id %% 30)::int, '', '', a.created_at, 1, a.id,
              (%(departments)s::bigint[])[1 + (a.id / 8) %% cardinality(%(departments)s::bigint[])]
            FROM approvals_application a
            WHERE a.tracking_number LIKE 'IDX-%%' AND a.status NOT IN ('draft', 'submitted')
            """,
            {"departments": department_ids},
        )
    analyze(*BIG_TABLES, "approvals_opentaskcount")
    # Officials' pages below must have pages to turn: the data must reach every department.
    assert ReviewTask.objects.filter(status="open").values(
        "department_id"
    ).distinct().count() == len(departments)


@pytest.fixture
def province(verified_client_factory):
    window = DepartmentFactory(is_service_window=True)
    departments = [DepartmentFactory() for _ in range(8)]
    versions = [
        ServiceVersionFactory(
            item__department=department,
            workflow_definition=department_workflow(
                department.code, review_days=10, decision_days=5
            ),
            published=True,
        )
        for department in departments
    ]
    citizens = [PersonFactory().user for _ in range(100)]
    _fill(versions=versions, departments=departments, citizens=citizens)
    reviewer = OfficialFactory(department=departments[0], role=OfficialRole.REVIEWER).user
    head = OfficialFactory(department=departments[1], role=OfficialRole.DEPARTMENT_HEAD).user
    clerk = OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user
    return {
        "reviewer": reviewer,
        "head": head,
        "clerk": clerk,
        "citizen": citizens[0],
        "client": verified_client_factory,
    }


def _reads_of(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return captured_selects(captured)


def test_the_officials_lists_read_indexes(province):
    # the queue page as a reviewer and as a head, filtered and on a later page
    for who in ("reviewer", "head"):
        client = province["client"](province[who])
        for query in ("", "?page=3", "?state=unclaimed", "?light=red"):
            for sql in _reads_of(client, reverse("approvals:work_queue") + query):
                assert_no_seq_scan(sql, BIG_TABLES)
    # a task page and the head's extension requests
    task = ReviewTask.objects.filter(status="open", department__positions__user=province["head"])
    head = province["client"](province["head"])
    for url in (
        reverse("approvals:work_task", args=[task.order_by("pk").first().pk]),
        reverse("approvals:work_extensions"),
    ):
        for sql in _reads_of(head, url):
            assert_no_seq_scan(sql, BIG_TABLES)
    # the same queue through the API
    api = session_client(province["reviewer"], verified=True)
    for sql in _reads_of(api, "/api/v1/tasks/?page=2"):
        assert_no_seq_scan(sql, BIG_TABLES)
    # the window's queue
    client = province["client"](province["clerk"])
    for sql in _reads_of(client, reverse("approvals:intake_queue")):
        assert_no_seq_scan(sql, BIG_TABLES)


def test_the_dashboard_reads_indexes(province, client):
    client.force_login(province["citizen"], backend="accounts.backends.EmailOrMobileBackend")

    reads = _reads_of(client, reverse("approvals:dashboard"))

    assert any("approvals_application" in sql for sql in reads)
    for sql in reads:
        assert_no_seq_scan(sql, BIG_TABLES)
