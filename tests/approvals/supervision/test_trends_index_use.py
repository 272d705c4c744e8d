"""The trend pages read indexes, never a whole table of applications or tasks (issue 18, in the
style of tests/approvals/test_index_use.py): on 30,000 applications decided over more than a
year, analyzed, PostgreSQL's plan for every query of the trend page, the list behind a column
(all departments or one, first page and a later one) and the workload page has no sequential
scan of applications or review tasks."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import ReviewTask
from approvals.selectors.supervision_trends import official_workload
from approvals.services.supervision_rollup import statistics_rollup
from demo.catalogue import department_workflow
from tests.explain import analyze, assert_no_seq_scan, captured_selects, requires_postgresql
from tests.factories import DepartmentFactory, PersonFactory, ServiceVersionFactory

pytestmark = [pytest.mark.django_db, requires_postgresql]

BIG_TABLES = ["approvals_application", "approvals_reviewtask"]
APPLICATIONS = 30_000
TODAY = dt.date(2026, 6, 15)  # the suite's fixed day


def _fill(*, versions, departments, citizen):
    """30,000 applications received over 400 days, most decided 1 to 30 days later (one in
    five after its due date), and an open review task for the others."""
    version_ids = "{" + ",".join(str(v.pk) for v in versions) + "}"
    department_ids = "{" + ",".join(str(d.pk) for d in departments) + "}"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO approvals_application (
              applicant_kind, filed_at_counter, status, data, current_step, tracking_number,
              query_code_hash, submitted_at, revision, created_at, updated_at, created_by_id,
              person_id, service_version_id, current_stage_key, deemed_accepted, workflow_round,
              licence_action, received_on, accepted_on, decided_on, decision_due_on)
            SELECT 'person', false,
              (ARRAY['under_review', 'approved', 'licence_issued', 'denied', 'closed'])
                [1 + g %% 5],
              '{}'::jsonb, 0, 'TRD-' || g, '', now() - (g %% 400) * interval '1 day', 1,
              now() - (g %% 400) * interval '1 day', now(), %(user)s, %(person)s,
              (%(versions)s::bigint[])[1 + g %% cardinality(%(versions)s::bigint[])],
              '', false, 1, '',
              %(today)s::date - (g %% 400), %(today)s::date - (g %% 400) + 1,
              CASE WHEN g %% 5 = 0 THEN NULL ELSE %(today)s::date - (g %% 400) + 1 + g %% 30 END,
              %(today)s::date - (g %% 400) + 1 + CASE WHEN g %% 7 = 0 THEN 2 ELSE 40 END
            FROM generate_series(1, %(count)s) AS g
            """,
            {
                "user": citizen.pk,
                "person": citizen.person.pk,
                "versions": version_ids,
                "count": APPLICATIONS,
                "today": TODAY,
            },
        )
        cursor.execute(
            """
            INSERT INTO approvals_reviewtask (
              stage_key, branch_key, round, role, status, due_on, return_to, comment,
              created_at, revision, application_id, department_id)
            SELECT 'review', 'main', 1, 'reviewer',
              CASE WHEN a.status = 'under_review' THEN 'open' ELSE 'approved' END,
              a.received_on + 20, '', '',
              a.created_at, 1, a.id,
              (%(departments)s::bigint[])[1 + a.id %% cardinality(%(departments)s::bigint[])]
            FROM approvals_application a WHERE a.tracking_number LIKE 'TRD-%%'
            """,
            {"departments": department_ids},
        )
    analyze(*BIG_TABLES, "approvals_opentaskcount", "approvals_statisticsday")


@pytest.fixture
def province(city):
    departments = [city.bureau, *(DepartmentFactory() for _ in range(5))]
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
    _fill(versions=versions, departments=departments, citizen=PersonFactory().user)
    statistics_rollup(today=TODAY)
    analyze("approvals_statisticsday", "approvals_statisticsratingday")
    return departments


def _reads_of(client, url) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return captured_selects(captured), response.content.decode()


def test_the_trend_pages_read_indexes(city, province, verified_client_factory):
    client = verified_client_factory(city.supervisor)
    trends = reverse("approvals:supervision_trends")
    urls = [
        trends,
        f"{trends}?start=2025-06-16&end=2026-06-15&granularity=month",
        f"{trends}?start=2026-03-16&end=2026-06-15&granularity=day&department={city.bureau.pk}",
        f"{reverse('approvals:supervision_workload')}?department={city.bureau.pk}",
    ]
    _reads, page = _reads_of(client, f"{trends}?start=2025-06-16&end=2026-06-15&granularity=week")
    cases = [
        link.replace("&amp;", "&")
        for link in re.findall(r'href="(/supervision/trends/cases/[^"]+)"', page)
    ]
    assert any("kind=late" in link for link in cases)
    urls += [cases[0], next(link for link in cases if "kind=late" in link)]
    for url in list(urls):
        reads, page = _reads_of(client, url)
        for sql in reads:
            assert_no_seq_scan(sql, BIG_TABLES)
        more = re.search(r'href="\?([^"]*after=[^"]*)"', page)
        if more:  # the list's next page too
            urls.append(url.split("?")[0] + "?" + more.group(1).replace("&amp;", "&"))
    late_month = (
        f"{reverse('approvals:supervision_trend_cases')}?kind=late&start=2026-01-01"
        f"&end=2026-01-31&department={city.bureau.pk}"
    )
    reads, page = _reads_of(client, late_month)
    assert 'data-testid="trend-cases"' in page
    for sql in reads:
        assert_no_seq_scan(sql, BIG_TABLES)


def test_the_workload_per_official_reads_its_ledger_by_index(city, province):
    """One department's officials come from its rows of the workload ledger, found by the
    ledger's index among every other department's (a ledger not compacted for a while holds a
    row per change), and never from the review tasks."""
    # given a ledger with many rows of other departments, as between two compactions
    others = "{" + ",".join(str(d.pk) for d in province[1:]) + "}"
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO approvals_officialtaskcount
                 (department_id, assignee_id, due_on, clock_stopped, tasks)
               SELECT (%(others)s::bigint[])[1 + g %% cardinality(%(others)s::bigint[])],
                      NULL, CURRENT_DATE + (g %% 60 - 30), g %% 7 = 0, 1 - 2 * (g %% 2)
               FROM generate_series(1, 50000) AS g""",
            {"others": others},
        )
    analyze("approvals_officialtaskcount")
    # when the workload of the bureau is read
    with CaptureQueriesContext(connection) as captured:
        loads = official_workload(city.bureau.pk)
    # then it is the bureau's open tasks, read through the ledger's index
    (sql,) = captured_selects(captured)
    assert "approvals_reviewtask" not in sql
    assert_no_seq_scan(sql, ["approvals_officialtaskcount"])
    open_tasks = ReviewTask.objects.filter(department=city.bureau, status="open").count()
    assert sum(row.total for row in loads) == open_tasks >= 1000
