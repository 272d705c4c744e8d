"""Starting an application: as oneself, for a business one acts for, and refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import ApplicantKind, Application, ApplicationStatus
from approvals.services.applications import application_start
from tests.factories import MembershipFactory, ServiceVersionFactory
from tests.support import events

pytestmark = pytest.mark.django_db


def test_a_citizen_starts_a_draft_prefilled_from_their_verified_identity(citizen, version):
    application = application_start(actor=citizen, version=version)

    assert application.status == ApplicationStatus.DRAFT
    assert application.applicant_kind == ApplicantKind.PERSON
    assert application.person == citizen.person
    assert application.business is None
    assert application.data["applicant_name"] == "王芳"
    assert application.data["id_number"] == citizen.person.id_number
    assert "shop_name" not in application.data  # business.name: no business here
    [event] = events("application.started", application)
    assert event.actor == citizen
    assert event.changes["status"] == [None, "draft"]


def test_an_agent_starts_a_draft_for_their_business(agent, business, version):
    application = application_start(actor=agent, version=version, business=business)

    assert application.applicant_kind == ApplicantKind.BUSINESS
    assert application.business == business
    assert application.person is None
    assert application.created_by == agent
    assert application.data["shop_name"] == business.name
    [event] = events("application.started", application)
    assert event.on_behalf_of == f"business:{business.pk}"


def test_someone_who_does_not_act_for_the_business_cannot_apply_for_it(stranger, business, version):
    with pytest.raises(PermissionDenied):
        application_start(actor=stranger, version=version, business=business)

    assert not Application.objects.exists()


def test_an_invited_agent_who_has_not_accepted_cannot_apply_for_the_business(business, version):
    invited = MembershipFactory(business=business, invited=True).user

    with pytest.raises(PermissionDenied):
        application_start(actor=invited, version=version, business=business)


def test_an_account_without_a_person_profile_cannot_apply_as_a_person(version):
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        application_start(actor=UserFactory(), version=version)


def test_a_business_only_service_refuses_a_personal_application(citizen, window):
    version = ServiceVersionFactory(form_schema={}, for_persons=False, published=True)

    with pytest.raises(ValidationError):
        application_start(actor=citizen, version=version)

    assert not Application.objects.exists()


def test_a_draft_version_of_a_service_takes_no_applications(citizen):
    version = ServiceVersionFactory(form_schema={})

    with pytest.raises(ValidationError):
        application_start(actor=citizen, version=version)
