"""What the browser journey found on the supervisors' pages, checked without a browser: the audit
list names who acted and picks the action from one list, the portal's own events are "System",
the dashboard shows open rectifications without the heads' form, and the phone layouts have the
column names each stacked cell needs."""

import re

import pytest
from django.urls import reverse

from approvals.models import RectificationTask, ServiceRating
from approvals.services.case_files import id_number_reveal
from audit.chain import audit_record
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditevent_changelist"


@pytest.fixture
def supervisor_client(city, verified_client_factory):
    client = verified_client_factory(city.supervisor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_audit_list_names_the_official_and_filters_by_action_from_a_list(
    city, under_review, supervisor_client
):
    id_number_reveal(actor=city.reviewer, application=under_review.application)
    audit_record(action="supervision.card_red", reason="late")  # the sweep: no actor

    response = supervisor_client.get(reverse(CHANGELIST), {"action": "person.id_number_revealed"})

    body = response.content.decode()
    assert city.reviewer.display_name in body
    assert re.search(
        r'<option value="person.id_number_revealed" selected>Full ID number shown</option>', body
    )
    assert 'href="?action=task.approved' not in body  # no link per action
    everything = supervisor_client.get(reverse(CHANGELIST)).content.decode()
    assert "System" in everything
    assert "Former user" not in everything


def test_the_dashboard_lists_rectifications_without_the_heads_form(city, verified_client_factory):
    application = ApplicationFactory(
        service_version=city.version,
        person=city.citizen.person,
        created_by=city.citizen,
        submitted=True,
        status="approved",
    )
    rating = ServiceRating.objects.create(
        application=application, department=city.bureau, grade=1, rater=city.citizen
    )
    task = RectificationTask.objects.create(
        rating=rating, department=city.bureau, due_on=application.created_at.date()
    )
    client = verified_client_factory(city.supervisor)

    body = client.get(reverse("approvals:supervision_dashboard")).content.decode()

    assert application.tracking_number in body
    assert reverse("approvals:rectification_done", args=[task.pk]) not in body
    head = verified_client_factory(city.head)
    page = head.get(reverse("approvals:rectifications")).content.decode()
    assert reverse("approvals:rectification_done", args=[task.pk]) in page


def test_stacked_cells_carry_their_column_names(city, under_review, supervisor_client):
    id_number_reveal(actor=city.reviewer, application=under_review.application)

    response = supervisor_client.get(
        reverse("admin:audit_auditevent_timeline", args=[under_review.application.pk])
    )

    body = response.content.decode()
    start = body.index('<table id="timeline"')
    timeline = body[start : body.index("</table>", start)]
    cells = re.findall(r"<td( data-label=\"[^\"]+\")?", timeline)
    assert len(cells) >= 6
    assert all(cells), "every cell of the timeline has its column's name for the phone layout"
