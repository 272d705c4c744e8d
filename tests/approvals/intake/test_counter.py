"""Counter filing: a clerk files for a walk-in applicant after checking the registry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import PersonProfile, User
from approvals.domain.china_time import china_today
from approvals.models import Application
from approvals.selectors import policy
from approvals.services.applications import ApplicationIncomplete
from approvals.services.intake import counter_file
from tests.factories import PersonFactory, PopulationRecordFactory
from tests.support import events, png_upload


def business_version(like):
    from tests.approvals.intake.conftest import MATERIALS, SCHEMA, WORKFLOW
    from tests.factories import ServiceItemFactory, ServiceVersionFactory

    return ServiceVersionFactory(
        item=ServiceItemFactory(department=like.item.department),
        form_schema=SCHEMA,
        materials=MATERIALS,
        workflow_definition=WORKFLOW,
        for_businesses=True,
        published=True,
    )


def file_for(clerk, version, **identity):
    return counter_file(
        actor=clerk,
        service_version=version,
        data={"shop_name": "老福州小吃"},
        files={"floor-plan": png_upload()},
        **identity,
    )


@pytest.mark.django_db
def test_filing_for_a_person_with_an_account(clerk, version):
    person = PersonFactory()

    application = file_for(clerk, version, id_number=person.id_number, real_name=person.real_name)

    stored = Application.objects.get(pk=application.pk)
    assert stored.status == "submitted" and stored.filed_at_counter
    assert stored.created_by == clerk and stored.person == person
    assert stored.received_on == china_today() and stored.intake_due_on is not None
    assert stored.tracking_number
    [event] = events("intake.counter_filed", stored)
    assert event.on_behalf_of == f"person:{person.pk}"
    assert len(events("application.submitted", stored)) == 1
    # the person sees it among their applications
    assert Application.objects.filter(policy.applicant_visibility(person.user), pk=stored.pk)


@pytest.mark.django_db
def test_a_person_without_an_account_gets_one_to_claim_later(clerk, version):
    record = PopulationRecordFactory(name="林立")

    application = file_for(
        clerk, version, id_number=record.id_number, real_name="林立", email="LinLi@Example.com"
    )

    profile = PersonProfile.objects.get(id_number=record.id_number)
    assert application.person == profile and profile.real_name == "林立"
    assert profile.verified_at is not None
    user = User.objects.get(email="linli@example.com")
    assert profile.user == user and not user.has_usable_password()


@pytest.mark.django_db
def test_a_new_person_needs_an_email_to_claim_the_account(clerk, version):
    record = PopulationRecordFactory()

    with pytest.raises(ValidationError) as error:
        file_for(clerk, version, id_number=record.id_number, real_name=record.name)

    assert "email" in error.value.message_dict
    assert not PersonProfile.objects.filter(id_number=record.id_number).exists()


@pytest.mark.django_db
def test_a_name_that_does_not_match_the_registry_is_refused(clerk, version):
    person = PersonFactory()

    with pytest.raises(ValidationError) as error:
        file_for(clerk, version, id_number=person.id_number, real_name="张三丰")

    assert "real_name" in error.value.message_dict
    assert not Application.objects.exists()
    assert not events("intake.counter_filed")


@pytest.mark.django_db
def test_an_incomplete_counter_filing_leaves_nothing_behind(clerk, version):
    person = PersonFactory()

    with pytest.raises(ApplicationIncomplete):
        counter_file(
            actor=clerk,
            service_version=version,
            id_number=person.id_number,
            real_name=person.real_name,
            data={"shop_name": "老福州小吃"},
            files={},
        )
    assert not Application.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["citizen", "reviewer", "other_clerk"])
def test_only_the_window_files_at_the_counter(request, version, who):
    person = PersonFactory()

    with pytest.raises(PermissionDenied):
        file_for(
            request.getfixturevalue(who),
            version,
            id_number=person.id_number,
            real_name=person.real_name,
        )
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_filing_for_a_business_by_its_legal_representative(clerk, version):
    from tests.factories import BusinessFactory, LegalPersonRecordFactory

    person = PersonFactory()
    record = LegalPersonRecordFactory(
        legal_representative=person.real_name, legal_representative_id_number=person.id_number
    )
    business = BusinessFactory(uscc=record.uscc, name=record.name)
    version = business_version(version)

    application = file_for(
        clerk,
        version,
        id_number=person.id_number,
        real_name=person.real_name,
        business_uscc=record.uscc.lower(),
    )

    assert application.business == business and application.applicant_kind == "business"
    [event] = events("intake.counter_filed", application)
    assert event.on_behalf_of == f"business:{business.pk}"


@pytest.mark.django_db
def test_a_person_unrelated_to_the_business_cannot_file_for_it(clerk, version):
    from tests.factories import BusinessFactory, LegalPersonRecordFactory

    person = PersonFactory()
    record = LegalPersonRecordFactory()
    BusinessFactory(uscc=record.uscc)
    version = business_version(version)

    with pytest.raises(ValidationError) as error:
        file_for(
            clerk,
            version,
            id_number=person.id_number,
            real_name=person.real_name,
            business_uscc=record.uscc,
        )
    assert "business_uscc" in error.value.message_dict
    assert not Application.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "can_apply", "allowed"),
    [("agent", False, False), ("agent", True, True), ("admin", False, True)],
)
def test_an_agent_files_for_the_business_only_if_allowed_to_apply(
    clerk, version, role, can_apply, allowed
):
    from tests.factories import BusinessFactory, LegalPersonRecordFactory, MembershipFactory

    record = LegalPersonRecordFactory()
    business = BusinessFactory(uscc=record.uscc, name=record.name)
    person = PersonFactory()
    MembershipFactory(business=business, user=person.user, role=role, can_apply=can_apply)
    version = business_version(version)

    def file():
        return file_for(
            clerk,
            version,
            id_number=person.id_number,
            real_name=person.real_name,
            business_uscc=record.uscc,
        )

    if allowed:
        assert file().business == business
        return
    # in English, whatever language an earlier test left active in this thread
    with translation.override("en"), pytest.raises(ValidationError) as error:
        file()
    assert error.value.message_dict["business_uscc"] == [
        "The business's administrator has not allowed this agent to apply for the business."
    ]
    assert not Application.objects.exists()
    assert not events("intake.counter_filed")


@pytest.mark.django_db
def test_the_business_s_administrator_sees_what_the_clerk_filed_for_it(clerk, version):
    from approvals.selectors import policy
    from tests.factories import BusinessFactory, LegalPersonRecordFactory, MembershipFactory

    record = LegalPersonRecordFactory()
    business = BusinessFactory(uscc=record.uscc, name=record.name)
    person = PersonFactory()
    MembershipFactory(business=business, user=person.user, role="admin")
    application = file_for(
        clerk,
        business_version(version),
        id_number=person.id_number,
        real_name=person.real_name,
        business_uscc=record.uscc,
    )
    assert application.filed_at_counter and application.business == business
    # the clerk who filed it and the business's administrator both see it; a stranger does not
    for user, sees in ((clerk, True), (person.user, True), (PersonFactory().user, False)):
        assert policy._is_applicant_side(user, application) is sees
        visible = Application.objects.filter(policy.applicant_visibility(user), pk=application.pk)
        assert visible.exists() is sees


@pytest.mark.django_db
def test_the_counter_receipt_prints_the_query_code(
    clerk, version, django_capture_on_commit_callbacks
):
    from approvals.models import Document
    from approvals.security.query_codes import query_code_matches
    from tests.approvals.documents.conftest import pdf_bytes, pdf_text, squeezed

    person = PersonFactory()
    # when a clerk files for a walk-in applicant
    with django_capture_on_commit_callbacks(execute=True):
        application = file_for(
            clerk, version, id_number=person.id_number, real_name=person.real_name
        )
    # then the clerk has the query code to tell, and it opens the public lookup
    code = application.query_code
    assert code and query_code_matches(code, application.query_code_hash)
    # and the receipt the applicant takes home prints it, and says it was filed at the window
    receipt = Document.objects.get(application=application, kind="receipt")
    text = squeezed(pdf_text(pdf_bytes(receipt)))
    assert f"查询码：{code}" in text
    assert f"Querycode:{code}" in text
    assert "在窗口提交" in text
    # and once printed, the code is nowhere in the database but as the application's hash
    receipt.refresh_from_db()
    assert code not in str(receipt.context)
