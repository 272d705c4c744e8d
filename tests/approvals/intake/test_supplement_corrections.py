"""A supplement notice can ask for a corrected answer, not only a file: the answer page reopens
just those fields, validated as the form validates them, and the case keeps before → after."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals.models import Application, Document, SupplementRequest
from approvals.services.intake import intake_request_supplement, supplement_answer
from tests.support import events, in_days, recorded_events


@pytest.fixture
def asked_to_correct(submitted, clerk):
    submitted.data = {**submitted.data, "shop_name": "王记小吃"}
    submitted.save(update_fields=["data"])
    intake_request_supplement(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        items=[{"field": "shop_name", "problem": "经营场所名称与租赁合同不一致"}],
        reply_by=in_days(15),
    )
    submitted.refresh_from_db()
    return submitted


@pytest.mark.django_db
def test_a_corrected_answer_replaces_the_old_one_and_is_recorded(asked_to_correct, citizen):
    with recorded_events() as recorded:
        supplement_answer(
            actor=citizen, application=asked_to_correct, corrections={"shop_name": "王记面馆"}
        )

    stored = Application.objects.get(pk=asked_to_correct.pk)
    assert stored.status == "submitted"
    notice = Document.objects.get(application=stored, kind="supplement_notice")
    assert notice.context["items"][0]["material_zh"] == "门店名称"
    assert stored.data["shop_name"] == "王记面馆"
    [item] = SupplementRequest.objects.get(application=stored).items
    assert (item["before"], item["after"]) == ("王记小吃", "王记面馆")
    # one act, one event: the answer carries the status change, the correction and the pause's end
    event = recorded.the_one()
    assert event.action == "intake.supplement_answered"
    assert event.changes["status"] == ["supplement_requested", "submitted"]
    assert event.changes["data.shop_name"] == ["王记小吃", "王记面馆"]
    assert event.changes["ended_on"][1] is not None
    assert event.actor == citizen
    assert not events("intake.supplement_data_corrected", stored)


@pytest.mark.django_db
def test_the_corrected_answer_is_validated_like_the_form(asked_to_correct, citizen):
    with pytest.raises(ValidationError) as error:
        supplement_answer(actor=citizen, application=asked_to_correct, corrections={})

    assert "shop_name" in error.value.message_dict
    stored = Application.objects.get(pk=asked_to_correct.pk)
    assert stored.status == "supplement_requested"
    assert stored.data["shop_name"] == "王记小吃"


@pytest.mark.django_db
def test_only_fields_the_applicant_typed_can_be_asked_for(submitted, clerk):
    # the applicant's name comes locked from the population registry (一数一源)
    with pytest.raises(ValidationError):
        intake_request_supplement(
            actor=clerk,
            application=submitted,
            revision=submitted.revision,
            items=[{"field": "applicant_name", "problem": "Wrong name"}],
            reply_by=in_days(15),
        )


@pytest.mark.django_db
def test_the_answer_page_reopens_the_field_and_the_window_sees_before_and_after(
    asked_to_correct, citizen, clerk, client, verified_client_factory
):
    client.force_login(citizen)
    url = reverse("approvals:application_supplement", args=[asked_to_correct.pk])
    page = client.get(url)
    assert 'name="data-shop_name"' in page.content.decode()
    assert 'value="王记小吃"' in page.content.decode()

    empty = client.post(url, {"data-shop_name": "", "comment": ""})
    assert empty.status_code == 400

    sent = client.post(url, {"data-shop_name": "王记面馆", "comment": "已更正"})
    assert sent.status_code == 302

    case = verified_client_factory(clerk).get(
        reverse("approvals:intake_application", args=[asked_to_correct.pk])
    )
    assert case.status_code == 200, case
    body = case.content.decode()
    assert "<del>王记小吃</del> → <ins>王记面馆</ins>" in body


@pytest.mark.django_db
def test_the_clerk_ticks_a_field_on_the_notice_form(submitted, clerk, verified_client_factory):
    response = verified_client_factory(clerk).post(
        reverse("approvals:intake_decide", args=[submitted.pk, "supplement"]),
        {
            "revision": submitted.revision,
            "reply_by": in_days(15).isoformat(),
            "f-shop_name": "on",
            "fp-shop_name": "Does not match the lease",
        },
    )

    assert response.status_code == 302
    notice = SupplementRequest.objects.get(application=submitted)
    assert notice.items == [
        {"material": "", "field": "shop_name", "problem": "Does not match the lease"}
    ]
