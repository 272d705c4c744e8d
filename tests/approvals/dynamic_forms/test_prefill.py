"""Prefill from the applicant's verified profile and the legal person registry (一数一源)."""

import pytest

from approvals.dynamic_forms import build_step_form, prefill_values, summary_rows
from tests.approvals.dynamic_forms.helpers import post_data, render_fields
from tests.approvals.dynamic_forms.schemas import one_step_schema
from tests.factories import BusinessFactory, PersonFactory

pytestmark = pytest.mark.django_db

APPLICANT = one_step_schema(
    {
        "applicant_name": {"type": "string", "x-prefill": "person.real_name"},
        "id_number": {"type": "string", "x-prefill": "person.id_number"},
        "mobile": {"type": "string", "x-prefill": "person.mobile"},
        "email": {"type": "string", "x-prefill": "person.email"},
        "address": {"type": "string", "x-prefill": "person.address"},
    },
    required=("applicant_name", "id_number", "mobile", "address"),
)
COMPANY = one_step_schema(
    {
        "company": {"type": "string", "x-prefill": "business.name"},
        "uscc": {"type": "string", "x-prefill": "business.uscc"},
        "representative": {"type": "string", "x-prefill": "business.legal_representative"},
        "premises": {"type": "string", "x-prefill": "business.address"},
    },
    required=("company", "uscc"),
)


def test_person_values_come_from_the_profile_and_the_account():
    person = PersonFactory(user__mobile="13912345678", address="福州市鼓楼区五四路1号")

    values = prefill_values(APPLICANT, user=person.user)

    assert values == {
        "applicant_name": person.real_name,
        "id_number": person.id_number,
        "mobile": "13912345678",
        "email": person.user.email,
        "address": "福州市鼓楼区五四路1号",
    }


def test_counter_filing_takes_the_applicants_contact_details_not_the_clerks():
    clerk = PersonFactory().user
    applicant = PersonFactory()

    values = prefill_values(APPLICANT, user=clerk, person=applicant)

    assert values["mobile"] == applicant.user.mobile[3:]  # a mainland number as its 11 digits
    assert values["applicant_name"] == applicant.real_name


def test_business_values_come_from_the_business():
    business = BusinessFactory(address="福州市台江区1号")
    agent = PersonFactory().user

    values = prefill_values(COMPANY, user=agent, business=business)

    assert values == {
        "company": business.name,
        "uscc": business.uscc,
        "representative": business.legal_representative,
        "premises": "福州市台江区1号",
    }


def test_the_id_number_is_shown_masked_and_never_as_an_input():
    person = PersonFactory()
    form = build_step_form(APPLICANT, "only", prefill=prefill_values(APPLICANT, user=person.user))

    html = render_fields(form)

    assert person.id_number not in html
    assert person.masked_id_number in html
    assert 'name="id_number"' not in html
    assert 'name="applicant_name"' not in html
    assert "From your verified identity; it cannot be changed here." in html


def test_tampered_registry_values_are_ignored():
    # given an applicant who posts someone else's name and ID number
    person = PersonFactory()
    prefill = prefill_values(APPLICANT, user=person.user)
    data = post_data(
        {
            "applicant_name": "Somebody Else",
            "id_number": "11010519491231002X",
            "mobile": "13800000000",
            "address": "Elsewhere",
        }
    )

    form = build_step_form(APPLICANT, "only", data=data, prefill=prefill)

    # then the profile's values are kept; the editable ones take what was typed (the email
    # address was not sent: an editable field left empty)
    assert form.is_valid(), form.errors
    assert form.cleaned_json() == {
        "applicant_name": person.real_name,
        "id_number": person.id_number,
        "mobile": "13800000000",
        "address": "Elsewhere",
    }


def test_tampered_business_values_are_ignored():
    business = BusinessFactory()
    prefill = prefill_values(COMPANY, user=PersonFactory().user, business=business)
    data = post_data({"company": "Fake Co", "uscc": "91350100M000100Y43", "premises": ""})

    form = build_step_form(COMPANY, "only", data=data, prefill=prefill)

    assert form.is_valid(), form.errors
    assert form.cleaned_json()["company"] == business.name
    assert form.cleaned_json()["uscc"] == business.uscc
    assert "premises" not in form.cleaned_json()  # editable: the applicant cleared it


def test_contact_details_are_editable_suggestions_unless_already_answered():
    person = PersonFactory(user__mobile="13912345678")
    prefill = prefill_values(APPLICANT, user=person.user)

    fresh = render_fields(build_step_form(APPLICANT, "only", prefill=prefill))
    resumed = render_fields(
        build_step_form(APPLICANT, "only", prefill=prefill, initial={"mobile": "13700000000"})
    )

    assert 'name="mobile" value="13912345678"' in fresh
    assert 'name="mobile" value="13700000000"' in resumed


def test_without_a_registry_value_the_field_is_an_ordinary_input():
    # a person applying on a form that would prefill a business name
    form = build_step_form(COMPANY, "only", data=post_data({"company": "", "uscc": "x"}))

    assert form.errors["company"] == ["This field is required."]


def test_the_summary_masks_the_id_number():
    person = PersonFactory()
    data = {"applicant_name": person.real_name, "id_number": person.id_number}

    rows = {row["name"]: row["value"] for row in summary_rows(APPLICANT, data)}

    assert rows["id_number"] == person.masked_id_number
    assert rows["applicant_name"] == person.real_name
