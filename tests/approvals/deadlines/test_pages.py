"""The applicant sees the due dates and how they were computed, in English and Chinese."""

import datetime as dt

import pytest
from django.urls import reverse

from approvals.services.deadlines import application_deadlines_refresh

D = dt.date


@pytest.fixture
def accepted(make_application):
    application = make_application(
        status="under_review", received_on=D(2025, 1, 20), accepted_on=D(2025, 1, 24)
    )
    return application_deadlines_refresh(application=application)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Promised by 2025-02-13", "Legal limit 2025-02-27", "Spring Festival"]),
        ("zh-hans", ["2025-02-13", "2025-02-27", 'lang="zh-CN"']),
    ],
)
def test_detail_page_shows_the_due_dates_and_their_explanation(client, accepted, language, words):
    # given promised 10 and statutory 20 working days from Friday 2025-01-24
    client.force_login(accepted.created_by)
    client.cookies["portal_language"] = language
    response = client.get(reverse("approvals:application_detail", args=[accepted.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for word in words:
        assert word in page
    assert "due-explanation" in page
    assert "2025-01-26" in page  # the make-up Sunday is listed as counted


@pytest.mark.django_db
def test_dashboard_shows_promised_and_statutory_due_dates_once_accepted(
    client, accepted, make_application
):
    waiting = make_application(received_on=D(2025, 1, 24))
    application_deadlines_refresh(application=waiting)
    client.force_login(accepted.created_by)
    client.cookies["portal_language"] = "en"
    response = client.get(reverse("approvals:dashboard"))
    page = response.content.decode()
    assert "Promised by 2025-02-13" in page and "Legal limit 2025-02-27" in page


@pytest.mark.django_db
def test_detail_page_explains_the_intake_period_while_waiting(client, make_application):
    waiting = make_application(received_on=D(2025, 1, 24))
    application_deadlines_refresh(application=waiting)
    client.force_login(waiting.created_by)
    client.cookies["portal_language"] = "en"
    page = client.get(reverse("approvals:application_detail", args=[waiting.pk])).content.decode()
    assert "Intake decision by 2025-02-07" in page
    assert "Counted 2025-01-26: make-up working day for Spring Festival." in page
    assert "Skipped 2025-01-28 to 2025-02-04: Spring Festival (statutory holiday" in page
    assert "Due at the end of 2025-02-07, working day 5." in page
