"""The window decides on a one-thing case as one: the queue shows it once, acceptance starts
every member that can start and parks the one that waits, one supplement notice covers every
member and department and is answered once, a pledge names members' materials, a refusal refuses
the whole, and the sweep deems the whole accepted after 5 working days."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Attachment, ClockPause, Notification, Pledge, SupplementRequest
from approvals.selectors.intake import intake_queue
from approvals.selectors.theme_intake import theme_intake_queue
from approvals.services.intake import intake_accept
from approvals.services.sweep import sweep_deadlines
from approvals.services.theme_intake import (
    StaleThemeCase,
    theme_case_accept,
    theme_case_accept_with_pledge,
    theme_case_refuse,
)
from approvals.services.theme_supplement import (
    theme_case_request_supplement,
    theme_case_supplement_answer,
    theme_case_supplement_upload,
)
from tests.approvals.theme_window.conftest import members_of
from tests.factories import ApplicationFactory
from tests.support import events, in_days, png_upload

pytestmark = pytest.mark.django_db


def ask_for(case, clerk, *items):
    return theme_case_request_supplement(
        actor=clerk, case=case, revision=case.revision, items=list(items), reply_by=in_days(10)
    )


def _statuses(case):
    return {key: m.status for key, m in members_of(case).items()}


def test_the_queue_shows_a_case_once_and_none_of_its_members(case, clerk, services):
    single = ApplicationFactory(submitted=True, service_version=services["fire"])

    cases = list(theme_intake_queue(clerk))
    loose = list(intake_queue(clerk))

    assert cases == [case]
    assert loose == [single]


def test_a_clerk_of_another_window_does_not_see_or_decide_the_case(case, other_clerk):
    assert list(theme_intake_queue(other_clerk)) == []
    with pytest.raises(PermissionDenied):
        theme_case_accept(actor=other_clerk, case=case, revision=case.revision)
    assert set(_statuses(case).values()) == {"submitted"}


def test_accepting_the_case_starts_the_members_and_parks_the_one_that_waits(case, clerk, citizen):
    theme_case_accept(actor=clerk, case=case, revision=case.revision)

    members = members_of(case)
    assert {k: m.status for k, m in members.items()} == {
        "registration": "under_review",
        "fire": "under_review",
        "food": "waiting",
    }
    assert members["food"].accepted_on is None and members["food"].decision_due_on is None
    assert members["fire"].decision_due_on is not None
    assert events("theme_case.accepted", case).count() == 1
    # One notice for the whole case, not one per member.
    assert Notification.objects.filter(user=citizen, kind="theme_case.accepted").count() == 1
    assert not Notification.objects.filter(user=citizen, kind="intake.accepted").exists()
    assert list(theme_intake_queue(clerk)) == []


def test_a_stale_form_changes_nothing(case, clerk):
    with pytest.raises(StaleThemeCase):
        theme_case_accept(actor=clerk, case=case, revision=case.revision - 1)
    assert set(_statuses(case).values()) == {"submitted"}


def test_a_member_cannot_be_decided_alone_at_the_window(case, clerk):
    member = members_of(case)["fire"]

    with pytest.raises(ValidationError):
        intake_accept(actor=clerk, application=member, revision=member.revision)
    assert members_of(case)["fire"].status == "submitted"


def test_one_supplement_notice_covers_every_member_and_department(case, clerk, citizen):
    requests = theme_case_request_supplement(
        actor=clerk,
        case=case,
        revision=case.revision,
        items=[
            {"material": "shared:lease", "problem": "Unsigned"},
            {"member": "fire", "field": "shop_name", "problem": "Not the name on the sign"},
        ],
        reply_by=in_days(10),
    )

    assert sorted(r.application.theme_member_key for r in requests) == [
        "fire",
        "food",
        "registration",
    ]
    assert set(_statuses(case).values()) == {"supplement_requested"}
    assert ClockPause.objects.filter(application__theme_case=case, ended_on=None).count() == 3
    notices = Notification.objects.filter(user=citizen)
    assert notices.filter(kind="theme_case.supplement_requested").count() == 1
    assert notices.count() == 1  # no clock-paused notice per member
    body = notices.get().texts["en"]["body"]
    assert body.count("Lease") == 1 and "Not the name on the sign" in body
    assert events("theme_case.supplement_requested", case).get().changes["departments"][1] == [
        "city-fire",
        "city-market",
    ]
    assert list(theme_intake_queue(clerk)) == []


def test_the_applicant_answers_once_and_one_upload_fills_every_member(case, clerk, citizen):
    ask_for(case, clerk, {"material": "shared:lease", "problem": "Unsigned"})
    with pytest.raises(ValidationError):
        theme_case_supplement_answer(actor=citizen, case=case)

    attachments = theme_case_supplement_upload(
        actor=citizen, case=case, target="shared:lease", uploaded_file=png_upload("lease.png")
    )
    answered = theme_case_supplement_answer(actor=citizen, case=case, comment="Signed now")

    assert len(attachments) == 3
    assert len({a.file.name for a in attachments}) == 1  # stored once
    assert set(_statuses(case).values()) == {"submitted"}
    assert not SupplementRequest.objects.filter(
        application__theme_case=case, answered_at=None
    ).exists()
    assert not ClockPause.objects.filter(application__theme_case=case, ended_on=None).exists()
    assert events("theme_case.supplement_answered", answered).count() == 1
    assert (
        Notification.objects.filter(user=clerk, kind="theme_case.supplement_received").count() == 1
    )
    assert list(theme_intake_queue(clerk)) == [case]


def test_replacing_one_member_s_shared_file_keeps_the_file_the_others_use(
    case, clerk, citizen, django_capture_on_commit_callbacks
):
    ask_for(case, clerk, {"material": "shared:lease", "problem": "Unsigned"})
    with django_capture_on_commit_callbacks(execute=True):
        first = theme_case_supplement_upload(
            actor=citizen, case=case, target="shared:lease", uploaded_file=png_upload("a.png")
        )
        theme_case_supplement_upload(
            actor=citizen, case=case, target="shared:lease", uploaded_file=png_upload("b.png")
        )
    assert not Attachment.objects.filter(file=first[0].file.name).exists()
    assert not first[0].file.storage.exists(first[0].file.name)  # the last user gone: deleted


def test_an_unknown_supplement_target_is_refused(case, clerk):
    with pytest.raises(ValidationError):
        theme_case_request_supplement(
            actor=clerk,
            case=case,
            revision=case.revision,
            items=[{"material": "shared:nonsense", "problem": "?"}],
            reply_by=in_days(10),
        )
    assert set(_statuses(case).values()) == {"submitted"}


def test_accepting_with_a_pledge_for_a_named_member_s_material(case, clerk):
    theme_case_accept_with_pledge(
        actor=clerk,
        case=case,
        revision=case.revision,
        pledges=[{"member": "fire", "material": "floor-plan"}],
        due_on=in_days(15),
        note="Plan to follow",
    )

    statuses = _statuses(case)
    assert statuses["registration"] == "under_review" and statuses["food"] == "waiting"
    pledge = Pledge.objects.get()
    assert pledge.application.theme_member_key == "fire" and pledge.material_key == "floor-plan"
    assert events("intake.accepted_with_pledge", pledge.application).count() == 1
    assert events("theme_case.accepted_with_pledge", case).count() == 1


def test_a_pledge_for_a_waiting_member_is_refused(case, clerk):
    with pytest.raises(ValidationError):
        theme_case_accept_with_pledge(
            actor=clerk,
            case=case,
            revision=case.revision,
            pledges=[{"member": "food", "material": "floor-plan"}],
            due_on=in_days(15),
        )
    assert set(_statuses(case).values()) == {"submitted"}


def test_refusing_refuses_the_whole_with_one_notice(case, clerk, citizen):
    theme_case_refuse(
        actor=clerk,
        case=case,
        revision=case.revision,
        reasons="Not our matter",
        competent_agency="Xiamen window",
        not_our_matter=True,
    )

    assert set(_statuses(case).values()) == {"not_accepted"}
    assert Notification.objects.filter(user=citizen, kind="theme_case.refused").count() == 1
    assert events("theme_case.refused", case).count() == 1


def test_the_sweep_deems_the_whole_case_accepted_not_its_members_one_by_one(case, clerk, citizen):
    due = max(m.intake_due_on for m in members_of(case).values())
    day_after = due + __import__("datetime").timedelta(days=1)

    report = sweep_deadlines(today=day_after)

    assert report.deemed_accepted == []
    assert report.deemed_theme_cases == [case.pk]
    statuses = _statuses(case)
    assert statuses == {"registration": "under_review", "fire": "under_review", "food": "waiting"}
    assert all(m.deemed_accepted for k, m in members_of(case).items() if k != "food")
    assert events("theme_case.deemed_accepted", case).count() == 1
    assert Notification.objects.filter(user=clerk, kind="theme_case.deemed_accepted").exists()


def test_the_sweep_leaves_a_case_whose_applicant_prepares_the_supplement(case, clerk):
    theme_case_request_supplement(
        actor=clerk,
        case=case,
        revision=case.revision,
        items=[{"member": "fire", "field": "shop_name", "problem": "Wrong"}],
        reply_by=in_days(10),
    )
    due = max(m.intake_due_on for m in members_of(case).values() if m.intake_due_on)

    report = sweep_deadlines(today=due + __import__("datetime").timedelta(days=1))

    assert report.deemed_theme_cases == []
    assert _statuses(case)["registration"] == "submitted"


def test_an_intake_card_for_a_waiting_case_goes_to_its_lead_window(make_case, theme):
    from approvals.models import SupervisionCard
    from tests.factories import DepartmentFactory

    district = DepartmentFactory(code="gulou-window", region_code="350102", is_service_window=True)
    type(theme).objects.filter(pk=theme.pk).update(lead_department=district)
    case = make_case()
    due = max(m.intake_due_on for m in members_of(case).values())

    sweep_deadlines(today=due)  # the last day: yellow, not yet deemed accepted

    cards = SupervisionCard.objects.filter(application__theme_case=case)
    assert cards.count() == 3
    assert set(cards.values_list("department_id", flat=True)) == {district.pk}
