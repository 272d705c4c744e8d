"""The statements of the three pages opened most each day (issue 12, ≤ 50 ms at 1M; issue 17,
no more than before the features of sessions 6 and 7): the official's task page, the applicant's
application page and the dashboard. Each reads a fixed number of statements whatever the size
of the case or of the list, and each thing once (the official's positions, the memberships).

Counted without the transaction's own statements (BEGIN, COMMIT, savepoints), which differ
between SQLite and PostgreSQL and inside a test's transaction."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MembershipRole
from approvals.services.applications import application_start
from tests.approvals.review.conftest import task_of
from tests.approvals.timeline.facts import add_timeline_facts
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TRANSACTION = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)

# The figures, tightened as the pages were (docs/performance.md, "Pages' statements, fourth
# round"): never raise them.
TASK_PAGE = 20
APPLICATION_PAGE = 15  # one of each of the timeline's facts; fewer when it has none
APPLICATION_PAGE_BARE = 10  # accepted, no task, pause, extension, notice or pledge yet
DASHBOARD = 7  # no 一件事 case: the applications' count asks whether there is one


def statements(client, url) -> list[str]:
    client.get(url)  # the working-day calendar is loaded once per process
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    return [q["sql"] for q in captured.captured_queries if not TRANSACTION.match(q["sql"])]


def reading(sqls: list[str], table: str) -> list[str]:
    """The statements that read rows of ``table`` (its columns first)."""
    return [sql for sql in sqls if sql.startswith(f'SELECT "{table}".')]


def test_the_task_page_reads_a_fixed_few_statements(demo, started, verified_client_factory):
    # given the housing reviewer's task on a case with one of each fact
    client = verified_client_factory(demo.reviewers["housing"])
    url = reverse("approvals:work_task", args=[task_of(started, "housing").pk])
    add_timeline_facts(demo, started, 1, event="application.noted")
    small = statements(client, url)

    # when the case has twelve of each
    add_timeline_facts(demo, started, 11, event="application.noted")
    large = statements(client, url)

    # then the page reads as many statements, the official's positions once
    assert len(small) == len(large) == TASK_PAGE, large
    assert len(reading(large, "accounts_officialposition")) == 1
    for table in ("approvals_clockpause", "approvals_supplementrequest", "approvals_material"):
        assert len(reading(large, table)) == 1, table


def test_the_application_page_reads_a_fixed_few_statements(demo, started, client):
    client.force_login(started.created_by, backend="accounts.backends.EmailOrMobileBackend")
    url = reverse("approvals:application_detail", args=[started.pk])
    add_timeline_facts(demo, started, 1, event="application.noted")
    small = statements(client, url)

    add_timeline_facts(demo, started, 11, event="application.noted")
    large = statements(client, url)

    assert len(small) == len(large) == APPLICATION_PAGE, large
    # the rating and the 告知承诺 commitment are read with the application
    assert not reading(large, "approvals_servicerating")
    assert not reading(large, "approvals_commitment")


def test_the_application_page_reads_no_table_the_case_has_nothing_in(demo, client):
    # given an application just accepted: no task, pause, extension, notice or pledge
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(service_version=demo.version, accepted=True)
    client.force_login(application.created_by, backend="accounts.backends.EmailOrMobileBackend")

    sqls = statements(client, reverse("approvals:application_detail", args=[application.pk]))

    assert len(sqls) == APPLICATION_PAGE_BARE, sqls
    for table in (
        "approvals_reviewtask",
        "approvals_clockpause",
        "approvals_deadlineextension",
        "approvals_supplementrequest",
        "approvals_pledge",
    ):
        assert not reading(sqls, table), table


def test_the_dashboard_reads_a_fixed_few_statements(demo, started, client):
    # given the applicant with one application, then with twenty-five and two businesses
    applicant = started.created_by
    client.force_login(applicant, backend="accounts.backends.EmailOrMobileBackend")
    url = reverse("approvals:dashboard")
    small = statements(client, url)
    for role in (MembershipRole.ADMIN, MembershipRole.AGENT):
        business = MembershipFactory(user=applicant, role=role).business
        application_start(actor=applicant, version=demo.version, business=business)
    for _ in range(22):
        application_start(actor=applicant, version=demo.version)

    large = statements(client, url)

    assert len(small) == len(large) == DASHBOARD, large
    # the memberships once: for the visibility rules, the theme cases' and the business list
    assert len(reading(large, "accounts_businessmembership")) == 1


def test_the_timeline_reads_only_the_events_that_record_a_status(demo, started, client):
    # given an application whose case file officials opened thirty times
    from approvals.selectors.timeline import status_change_events
    from audit.chain import audit_record

    changes_before = list(status_change_events(started).values_list("action", flat=True))
    for _ in range(30):
        audit_record(action="application.viewed", obj=started, changes={"page": [None, "task"]})

    # when the applicant's page draws the timeline
    client.force_login(started.created_by, backend="accounts.backends.EmailOrMobileBackend")
    sqls = statements(client, reverse("approvals:application_detail", args=[started.pk]))

    # then the status changes are read, and none of the openings
    assert changes_before and "application.viewed" not in changes_before
    assert list(status_change_events(started).values_list("action", flat=True)) == changes_before
    events = reading(sqls, "approvals_auditevent")
    assert len(events) == 1 and "status" in events[0], events
    assert len(sqls) <= APPLICATION_PAGE
