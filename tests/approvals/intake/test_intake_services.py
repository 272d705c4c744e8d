"""The window's decisions: accept, accept with a pledge, one-time supplement notice, refuse."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.domain.china_time import china_today
from approvals.models import (
    Application,
    ClockPause,
    Notification,
    Pledge,
    ReviewTask,
    SupplementRequest,
)
from approvals.services.applications import StaleApplication
from approvals.services.intake import (
    intake_accept,
    intake_accept_with_pledge,
    intake_refuse,
    intake_request_supplement,
)
from tests.support import events, in_days


@pytest.mark.django_db
def test_accept_starts_the_clock_and_the_review(submitted, clerk, reviewer, citizen):
    result = intake_accept(actor=clerk, application=submitted, revision=submitted.revision)

    stored = Application.objects.get(pk=submitted.pk)
    assert stored.status == "under_review" == result.status
    assert stored.accepted_on == china_today()
    assert stored.decision_due_on is not None and stored.decision_due_on > china_today()
    assert ReviewTask.objects.filter(application=stored, status="open").count() == 1
    # One act, one event: the acceptance, with the status change in it
    assert not events("application.accept", stored)
    [event] = events("intake.accepted", stored)
    assert event.actor == clerk
    assert event.changes["status"] == ["submitted", "under_review"]
    notice = Notification.objects.get(user=citizen, kind="intake.accepted")
    assert "accepted" in notice.body and "PDF" in notice.body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["citizen", "reviewer", "other_clerk"])
def test_only_a_clerk_of_the_services_window_may_decide(request, submitted, who):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        intake_accept(actor=user, application=submitted, revision=submitted.revision)
    with pytest.raises(PermissionDenied):
        intake_refuse(actor=user, application=submitted, revision=submitted.revision, reasons="No")
    assert Application.objects.get(pk=submitted.pk).status == "submitted"
    assert not events("intake.accepted")


@pytest.mark.django_db
def test_a_stale_form_changes_nothing(submitted, clerk):
    with pytest.raises(StaleApplication):
        intake_accept(actor=clerk, application=submitted, revision=submitted.revision + 1)
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.django_db
def test_accept_with_pledge_records_the_pledge(submitted, clerk, reviewer, citizen):
    intake_accept_with_pledge(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        material_key="lease",
        due_on=in_days(10),
        note="Lease being renewed",
    )

    stored = Application.objects.get(pk=submitted.pk)
    assert stored.status == "under_review"
    pledge = Pledge.objects.get(application=stored)
    assert pledge.material_key == "lease" and pledge.due_on == in_days(10)
    [event] = events("intake.accepted_with_pledge", stored)
    assert event.changes["material"] == [None, "lease"]
    assert (
        "Lease contract"
        in Notification.objects.get(user=citizen, kind="intake.accepted_with_pledge").body
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("material_key", "days", "field"), [("nonsense", 10, "material_key"), ("lease", 0, "due_on")]
)
def test_a_pledge_needs_a_real_material_and_a_future_date(
    submitted, clerk, material_key, days, field
):
    with pytest.raises(ValidationError) as error:
        intake_accept_with_pledge(
            actor=clerk,
            application=submitted,
            revision=submitted.revision,
            material_key=material_key,
            due_on=in_days(days),
        )
    assert field in error.value.message_dict
    assert not Pledge.objects.exists()
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.django_db
def test_the_supplement_notice_lists_every_item_once_and_pauses_the_clock(
    submitted, clerk, citizen
):
    request = intake_request_supplement(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        items=[
            {"material": "floor-plan", "problem": "Not to scale"},
            {"material": "lease", "problem": "Expired"},
            {"material": "", "problem": "Shop name differs from the lease"},
        ],
        reply_by=in_days(15),
    )

    stored = Application.objects.get(pk=submitted.pk)
    assert stored.status == "supplement_requested"
    assert [item["material"] for item in request.items] == ["floor-plan", "lease", ""]
    pause = ClockPause.objects.get(application=stored, kind="supplement")
    assert pause.ended_on is None
    [event] = events("intake.supplement_requested", stored)
    assert event.changes["materials"] == [None, ["floor-plan", "lease", ""]]
    [notice] = Notification.objects.filter(user=citizen, kind="intake.supplement_requested")
    for text in ("Floor plan: Not to scale", "Lease contract: Expired", "Shop name differs"):
        assert text in notice.body
    assert notice.link.endswith(f"/applications/{stored.pk}/supplement/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "items",
    [
        [],
        [{"material": "no-such-thing", "problem": "Missing"}],
        [{"material": "lease", "problem": "  "}],
    ],
)
def test_a_supplement_notice_needs_valid_items(submitted, clerk, items):
    with pytest.raises(ValidationError) as error:
        intake_request_supplement(
            actor=clerk,
            application=submitted,
            revision=submitted.revision,
            items=items,
            reply_by=in_days(15),
        )
    assert "items" in error.value.message_dict
    assert not SupplementRequest.objects.exists() and not ClockPause.objects.exists()


@pytest.mark.django_db
def test_refusal_needs_reasons_and_the_competent_agency_when_not_ours(submitted, clerk):
    with pytest.raises(ValidationError) as no_reasons:
        intake_refuse(actor=clerk, application=submitted, revision=submitted.revision, reasons="")
    with pytest.raises(ValidationError) as no_agency:
        intake_refuse(
            actor=clerk,
            application=submitted,
            revision=submitted.revision,
            reasons="A district matter",
            not_our_matter=True,
        )
    assert "reasons" in no_reasons.value.message_dict
    assert "competent_agency" in no_agency.value.message_dict
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.django_db
def test_refusal_tells_the_applicant_why_and_where_to_go(submitted, clerk, citizen):
    intake_refuse(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        reasons="Premises are in Gulou district",
        competent_agency="Gulou District Market Bureau",
        not_our_matter=True,
    )

    assert Application.objects.get(pk=submitted.pk).status == "not_accepted"
    [event] = events("intake.refused", submitted)
    assert event.reason == "Premises are in Gulou district"
    assert event.changes["competent_agency"] == [None, "Gulou District Market Bureau"]
    body = Notification.objects.get(user=citizen, kind="intake.refused").body
    assert "Gulou District Market Bureau" in body and "Premises are in Gulou" in body


@pytest.mark.django_db
def test_a_decided_application_cannot_be_decided_again(submitted, clerk, reviewer):
    from approvals.domain.lifecycle import TransitionNotAllowed

    accepted = intake_accept(actor=clerk, application=submitted, revision=submitted.revision)

    with pytest.raises(TransitionNotAllowed):
        intake_refuse(actor=clerk, application=accepted, revision=accepted.revision, reasons="Late")


@pytest.mark.django_db
def test_a_district_bureaus_matter_goes_to_the_district_window_only(window, clerk, citizen):
    from accounts.models import OfficialRole
    from approvals.selectors import policy
    from tests.factories import (
        ApplicationFactory,
        DepartmentFactory,
        OfficialFactory,
        ServiceVersionFactory,
    )

    district = DepartmentFactory(code="gulou", region_code="350102", parent=window.parent)
    district_window = DepartmentFactory(
        code="gulou-window", region_code="350102", parent=district, is_service_window=True
    )
    district_bureau = DepartmentFactory(code="gulou-market", region_code="350102", parent=district)
    district_clerk = OfficialFactory(
        department=district_window, role=OfficialRole.INTAKE_CLERK
    ).user
    application = ApplicationFactory(
        submitted=True,
        service_version=ServiceVersionFactory(item__department=district_bureau, published=True),
    )

    assert policy.may_handle_intake(district_clerk, application)
    assert not policy.may_handle_intake(clerk, application)
    visible = Application.objects.filter(policy.intake_visibility(district_clerk))
    assert list(visible) == [application]
    with pytest.raises(PermissionDenied):
        intake_accept(actor=clerk, application=application, revision=application.revision)


def test_a_refusal_notice_ends_its_reasons_with_one_full_stop(clerk, submitted):
    intake_refuse(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        reasons="不属于本机关职权范围。",
        competent_agency="市卫生健康委员会。",
        not_our_matter=True,
    )

    notice = submitted.created_by.notifications.get(kind="intake.refused")
    chinese = notice.text_in("zh-hans")["body"]
    assert "理由：不属于本机关职权范围。请向市卫生健康委员会申请。" in chinese
    assert "。。" not in chinese


@pytest.mark.django_db
def test_each_intake_act_is_one_line_of_the_history(make_submitted, clerk):
    from django.utils import translation

    from approvals.selectors.audit_labels import action_label
    from approvals.selectors.intake import application_history

    accepted = make_submitted()
    intake_accept(actor=clerk, application=accepted, revision=accepted.revision)
    refused = make_submitted()
    intake_refuse(actor=clerk, application=refused, revision=refused.revision, reasons="不符合")

    with translation.override("en"):
        accepted_labels = [action_label(e.action) for e in application_history(accepted)]
        refused_labels = [action_label(e.action) for e in application_history(refused)]

    # (the acceptance's one line carries the start of the review)
    assert accepted_labels == ["Application accepted"], accepted_labels
    assert refused_labels.count("Application not accepted") == 1, refused_labels
    # No act shows as two lines with one label
    for labels in (accepted_labels, refused_labels):
        assert all(a != b for a, b in itertools.pairwise(labels)), labels
