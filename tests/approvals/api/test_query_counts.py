"""List endpoints run a constant number of queries however long the list."""

import pytest
from rest_framework.test import APIClient

from tests.approvals.api.conftest import bearer_client, session_client, token_client
from tests.factories import ApplicationFactory, ReviewTaskFactory


def _count_queries(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("rows", [1, 12])
def test_the_applicants_list_is_constant(citizen, version, rows, django_assert_max_num_queries):
    for _ in range(rows):
        ApplicationFactory(service_version=version, person=citizen.person, created_by=citizen)
    api = token_client(citizen)

    body = _count_queries(django_assert_max_num_queries, api, "/api/v1/applications/", 7)

    assert body["count"] == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_the_intake_queue_is_constant(make_submitted, clerk, rows, django_assert_max_num_queries):
    for _ in range(rows):
        make_submitted()
    api = session_client(clerk, verified=True)

    body = _count_queries(django_assert_max_num_queries, api, "/api/v1/intake/applications/", 16)

    assert body["count"] == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_the_task_queue_is_constant(bureau, reviewer, version, rows, django_assert_max_num_queries):
    for _ in range(rows):
        ReviewTaskFactory(department=bureau, application__service_version=version)
    api = session_client(reviewer, verified=True)

    # 6 for the session, two-factor device and positions; 3 for the count (the kept counts of
    # the reviewer's pairs, their claims, their grants); 1 for the page (its rows, their keys in
    # order a subquery of it)
    body = _count_queries(django_assert_max_num_queries, api, "/api/v1/tasks/", 13)

    assert body["count"] == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_the_agency_lists_are_constant(scoped_client, version, rows, django_assert_max_num_queries):
    for _ in range(rows):
        ApplicationFactory(submitted=True, service_version=version)
    api = bearer_client(scoped_client.raw)

    # 5 for the page, 4 for its audit event (the chained insert)
    body = _count_queries(django_assert_max_num_queries, api, "/api/v1/agency/applications/", 9)

    assert body["count"] == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_the_public_catalogue_is_constant(bureau, rows, django_assert_max_num_queries):
    from tests.factories import ServiceVersionFactory

    for _ in range(rows):
        ServiceVersionFactory(item__department=bureau, published=True)
    api = APIClient()

    body = _count_queries(django_assert_max_num_queries, api, "/api/v1/services/", 5)

    assert body["count"] == rows


def test_the_task_queues_count_reads_no_light(bureau, reviewer, version):
    # given open tasks of the reviewer's department, one claimed by them, one whose clock stopped
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from approvals.models import ClockPause

    tasks = [
        ReviewTaskFactory(department=bureau, application__service_version=version) for _ in range(3)
    ]
    tasks[0].assignee = reviewer
    tasks[0].save(update_fields=["assignee"])
    ClockPause.objects.create(
        application=tasks[1].application,
        kind="inspection",
        reason="r",
        started_on=tasks[1].created_at.date(),
    )
    api = session_client(reviewer, verified=True)

    # when the API lists them
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/tasks/")

    # then the count is right, and its statement neither bands the due dates nor looks for
    # stopped clocks (the lights are not part of an API page)
    assert response.status_code == 200
    assert response.json()["count"] == 3
    counts = [q["sql"] for q in captured.captured_queries if '"counted"' in q["sql"]]
    assert len(counts) == 1, counts
    assert "CASE" not in counts[0]
    assert "approvals_clockpause" not in counts[0]
