"""The start page: who applies, then a new draft at step 1; clear refusals."""

import pytest
from django.urls import reverse

from approvals.models import ApplicantKind, Application
from tests.approvals.applications.pages import body, main_part
from tests.factories import BusinessFactory, ServiceVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

START = reverse("approvals:application_start", args=["SPJY"])


def test_a_citizen_starts_and_lands_on_the_first_step(citizen, version, client_for):
    browser = client_for(citizen)

    page = browser.get(START)
    response = browser.post(START, {"applicant": "person"})

    assert "Floor plan" in body(page)  # the materials to have ready
    application = Application.objects.get()
    assert application.applicant_kind == ApplicantKind.PERSON
    assert response.url == reverse("approvals:application_step", args=[application.pk, "basic"])


def test_a_member_of_a_business_chooses_whom_to_apply_for(agent, business, version, client_for):
    browser = client_for(agent)

    page = browser.get(START)
    browser.post(START, {"applicant": str(business.pk)})

    assert "Who is applying?" in body(page)
    assert business.name in body(page)
    application = Application.objects.get()
    assert application.business == business
    assert application.created_by == agent


def test_a_business_one_does_not_act_for_cannot_be_chosen(agent, version, client_for):
    other = BusinessFactory()

    response = client_for(agent).post(START, {"applicant": str(other.pk)})

    assert response.status_code == 200
    assert 'class="error-summary"' in body(response)
    assert other.name not in main_part(response)
    assert not Application.objects.exists()


def test_an_account_without_a_person_profile_is_told_why_it_cannot_apply(version, client_for):
    response = client_for(UserFactory()).get(START)

    assert response.status_code == 403
    assert "verified person profile" in body(response)
    assert not Application.objects.exists()


def test_a_business_only_service_tells_a_citizen_without_a_business(citizen, window, client_for):
    ServiceVersionFactory(item__code="BIZ-ONLY", form_schema={}, for_persons=False, published=True)

    response = client_for(citizen).get(reverse("approvals:application_start", args=["BIZ-ONLY"]))

    assert response.status_code == 403
    assert "Only businesses can apply for this service." in body(response)
    assert "Register your business" in body(response)


def test_an_unknown_service_is_not_found(citizen, client_for):
    response = client_for(citizen).get(reverse("approvals:application_start", args=["NOPE"]))

    assert response.status_code == 404


def test_starting_needs_a_signed_in_user(client, version):
    response = client.post(START, {"applicant": "person"})

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
    assert not Application.objects.exists()
