"""Who saw what: opening a case file and showing the full ID number are audited."""

import pytest
from django.urls import reverse

from accounts.identifiers import mask_id_number
from approvals.models import ApplicationStatus
from tests.support import events

pytestmark = pytest.mark.django_db

FULL_ID = "11010519491231002X"


def test_a_reviewer_opening_the_task_page_records_the_case_file_opening(
    city, under_review, verified_client_factory
):
    client = verified_client_factory(city.reviewer)

    response = client.get(reverse("approvals:work_task", args=[under_review.pk]))

    assert response.status_code == 200
    event = events("application.viewed", under_review.application).get()
    assert event.actor == city.reviewer
    assert event.actor_department == city.bureau
    assert event.changes == {"page": [None, "task"]}
    page = response.content.decode()
    assert FULL_ID not in page
    assert mask_id_number(FULL_ID) in page


def test_the_intake_clerk_opening_the_application_records_it(city, verified_client_factory):
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(
        service_version=city.version,
        person=city.citizen.person,
        created_by=city.citizen,
        submitted=True,
    )
    client = verified_client_factory(city.clerk)

    response = client.get(reverse("approvals:intake_application", args=[application.pk]))

    assert response.status_code == 200
    assert events("application.viewed", application).get().changes == {"page": [None, "intake"]}
    assert FULL_ID not in response.content.decode()


def test_showing_the_full_id_number_is_an_explicit_audited_post(
    city, under_review, verified_client_factory
):
    client = verified_client_factory(city.reviewer)
    url = reverse("approvals:case_id_number", args=[under_review.application.pk])

    assert client.get(url).status_code == 405
    response = client.post(url, {"next": reverse("approvals:work_task", args=[under_review.pk])})

    assert response.status_code == 200
    assert FULL_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = events("person.id_number_revealed", city.citizen.person).get()
    assert event.actor == city.reviewer
    assert event.changes["application"] == [None, under_review.application.pk]


def test_an_official_without_access_cannot_see_the_number_and_nothing_is_recorded(
    city, under_review, verified_client_factory
):
    client = verified_client_factory(city.other_reviewer)

    response = client.post(reverse("approvals:case_id_number", args=[under_review.application.pk]))

    assert response.status_code == 404
    assert not events("person.id_number_revealed").exists()


def test_the_applicant_cannot_use_the_officials_control(city, under_review, client):
    client.force_login(city.citizen)

    response = client.post(reverse("approvals:case_id_number", args=[under_review.application.pk]))

    assert response.status_code == 404
    assert not events("person.id_number_revealed").exists()


def test_the_applicant_opening_their_own_application_is_not_audited(city, under_review, client):
    under_review.application.status = ApplicationStatus.UNDER_REVIEW
    client.force_login(city.citizen)

    response = client.get(
        reverse("approvals:application_detail", args=[under_review.application.pk])
    )

    assert response.status_code == 200
    assert not events("application.viewed").exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_reveal_page_in_both_languages(city, under_review, verified_client_factory, language):
    client = verified_client_factory(city.reviewer)
    client.cookies["django_language"] = language

    response = client.post(
        reverse("approvals:case_id_number", args=[under_review.application.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    expected = "审计" if language == "zh-hans" else "audit trail"
    assert expected in response.content.decode()
