"""The supervisors' admin pages cost a fixed number of statements, whatever the number of events,
tasks and related objects shown (issue 12: the admin timeline and the audit list at 1M)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import CardColour, SupervisionCard
from approvals.services.case_files import case_file_open
from audit.chain import audit_record
from tests.approvals.supervision.conftest import TIMELINE_STATEMENTS
from tests.factories import ReviewTaskFactory

pytestmark = pytest.mark.django_db

# The first six as the timeline's (conftest.py TIMELINE_STATEMENTS); the departments of the
# filter; the capped count; the page of events; the session's save.
AUDIT_LIST_STATEMENTS = 12


@pytest.fixture
def supervisor_client(city, verified_client_factory):
    client = verified_client_factory(city.supervisor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _more_of_everything(city, application, count):
    """``count`` more tasks at the bureau, each approved with its event, a red card each, and as
    many case-file openings."""
    for _ in range(count):
        task = ReviewTaskFactory(application=application, department=city.bureau)
        audit_record(
            action="task.approved",
            actor=city.reviewer,
            obj=task,
            changes={"status": ["open", "approved"]},
        )
        card = SupervisionCard.objects.create(
            application=application,
            task=task,
            department=city.bureau,
            colour=CardColour.RED,
            reason="late",
            issued_on=application.submitted_at.date(),
        )
        audit_record(action="card.issued", obj=card, changes={"colour": [None, "red"]})
        case_file_open(actor=city.reviewer, application=application, page="task")


def _statements(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_the_timeline_costs_the_same_for_one_task_and_for_ten(
    city, supervisor_client, under_review
):
    application = under_review.application
    url = reverse("admin:audit_auditevent_timeline", args=[application.pk])
    supervisor_client.get(url)  # the working-day calendar and the like, read once per process

    few, page = _statements(supervisor_client, url)
    shown_before = len(page.context["entries"])
    _more_of_everything(city, application, 9)
    many, page = _statements(supervisor_client, url)

    # the nine tasks' events, their cards' events and the openings are all shown ...
    actions = [entry.event.action for entry in page.context["entries"]]
    assert actions.count("task.approved") == 9
    assert actions.count("card.issued") == 9
    assert len(actions) == shown_before + 9 * 3 + 1  # + this second look at the timeline
    # ... for the same statements, and no more than the page needs
    assert many == few
    assert many <= TIMELINE_STATEMENTS


def test_the_audit_list_costs_the_same_for_few_and_many_events(
    city, supervisor_client, under_review
):
    url = reverse("admin:audit_auditevent_changelist")
    supervisor_client.get(url)
    few, _page = _statements(supervisor_client, url)

    _more_of_everything(city, under_review.application, 30)
    many, page = _statements(supervisor_client, url)

    assert len(page.context["cl"].result_list) == 50
    assert many == few
    assert many <= AUDIT_LIST_STATEMENTS


def test_the_supervisors_right_is_still_asked_on_every_request(city, supervisor_client):
    """Asked once per request, not remembered across requests: a position ended between two
    pages closes the next one."""
    url = reverse("admin:audit_auditevent_changelist")
    assert supervisor_client.get(url).status_code == 200

    city.supervisor.positions.update(is_active=False)

    assert supervisor_client.get(url).status_code == 403


def test_opening_the_audit_list_logs_no_denial(supervisor_client, caplog):
    """The admin asks every model whether the supervisor may change it, for its menu: a "no" to
    that question (the API clients, kept to their managers) is not a refused attempt, and the
    denials' log stays the list of refused attempts."""
    with caplog.at_level("WARNING", logger="portal.policy"):
        assert (
            supervisor_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
        )

    assert [r.getMessage() for r in caplog.records if "denied" in r.getMessage()] == []
