"""An overdue verification after the licence (事后核查, 告知承诺制) raises a card as overdue review
work does (issue 13): yellow within the warning period, red when overdue, one of each colour per
pledge however often the sweep runs, against the verifying department, told to its heads and
approvers, and listed for supervisors with the other cards. The sweep stays set-based."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OfficialRole
from approvals.models import Commitment, DeadlineSweepState, Notification, SupervisionCard
from approvals.models.working_calendar import working_calendar
from approvals.selectors.supervision import overdue_cards
from approvals.services.commitments import commitment_verify
from approvals.services.deadlines import application_deadlines_refresh
from approvals.services.sweep import sweep_deadlines
from audit.models import AuditEvent
from tests.factories import LicenceFactory, OfficialFactory

D = dt.date
FRIDAY = D(2025, 1, 24)  # 2025-01-26 is a make-up working Sunday; 01-28 to 02-04 holidays
SOON = D(2025, 2, 5)  # 3 working days after FRIDAY: yellow
LATE = D(2025, 1, 22)
FAR = D(2025, 3, 3)


@pytest.fixture
def approver(department):
    return OfficialFactory(department=department, role=OfficialRole.APPROVER).user


@pytest.fixture
def verifying(make_application, department):
    """A pledge whose licence is issued and whose verification falls due on ``due_on``."""

    def make(due_on, status="verifying"):
        application = make_application(
            status="licence_issued", received_on=D(2024, 12, 2), accepted_on=D(2024, 12, 3)
        )
        application_deadlines_refresh(application=application)  # as the case leaves it
        return Commitment.objects.create(
            application=application,
            replaced_materials=["training"],
            statement_zh="本人承诺已具备消防安全培训记录。",
            statement_en="I pledge that the fire-safety training records exist.",
            status=status,
            department=department,
            verification_days=20,
            verification_due_on=due_on,
        )

    return make


def _new_day():
    """The sweep's first run of a day looks at every pledge (as at every late task)."""
    DeadlineSweepState.objects.all().delete()


@pytest.mark.django_db
def test_a_verification_near_or_past_its_limit_gets_one_card_of_each_colour(
    verifying, department, head, approver, reviewer
):
    # given one verification due soon, one overdue, one far off and one already done
    soon, late = verifying(SOON), verifying(LATE)
    verifying(FAR)
    verifying(LATE, status="kept")

    # when the sweep runs twice that day, and again the next day
    first = sweep_deadlines(today=FRIDAY)
    second = sweep_deadlines(today=FRIDAY)

    # then the one due soon has a yellow card and the overdue one a red card, against the
    # verifying department
    cards = set(
        SupervisionCard.objects.values_list("commitment_id", "colour", "department_id", "task")
    )
    assert cards == {
        (soon.pk, "yellow", department.pk, None),
        (late.pk, "red", department.pk, None),
    }
    assert first.cards == {"yellow": 1, "red": 1}
    assert second.cards == {"yellow": 0, "red": 0} and not second.changed
    _new_day()
    assert sweep_deadlines(today=FRIDAY).cards == {"yellow": 0, "red": 0}
    assert SupervisionCard.objects.count() == 2
    # and each colour is recorded in the audit trail once
    [red_event] = AuditEvent.objects.filter(action="supervision.card_red")
    assert red_event.changes["cards"][1] == [
        {
            "task": None,
            "commitment": late.pk,
            "application": late.application_id,
            "department": department.pk,
        }
    ]
    # and the department's heads and approvers, who verify, are told once; its reviewers not
    for user in (head, approver):
        assert Notification.objects.filter(user=user, kind="supervision.card_red").count() == 1
        assert Notification.objects.filter(user=user, kind="supervision.card_yellow").count() == 1
    assert not Notification.objects.filter(user=reviewer).exists()


@pytest.mark.django_db
def test_a_yellow_verification_that_turns_red_gets_its_red_card(verifying):
    commitment = verifying(D(2025, 1, 27))
    sweep_deadlines(today=FRIDAY)
    _new_day()
    sweep_deadlines(today=D(2025, 2, 5))

    colours = sorted(commitment.cards.values_list("colour", flat=True))
    assert colours == ["red", "yellow"]


@pytest.mark.django_db
def test_the_card_message_names_the_verification_in_both_languages(verifying, head):
    late = verifying(LATE)
    sweep_deadlines(today=FRIDAY)

    told = Notification.objects.get(user=head, kind="supervision.card_red")
    number = late.application.tracking_number
    chinese, english = told.text_in("zh-hans"), told.text_in("en")
    assert chinese["title"] == "红牌：1件告知承诺核查已超期"
    assert "事后核查已超过核查时限" in chinese["body"] and number in chinese["body"]
    assert english["title"] == "Red card: 1 pledge verifications overdue"
    assert "verification after the licence" in english["body"] and number in english["body"]
    assert told.link == "/work/commitments/"


@pytest.mark.django_db
def test_supervisors_see_the_card_while_the_verification_is_due(verifying, approver):
    late = verifying(LATE)
    late.licence = LicenceFactory(application=late.application, valid_from=D(2025, 1, 2))
    late.save(update_fields=["licence"])
    sweep_deadlines(today=FRIDAY)

    [card] = overdue_cards()
    assert (card.commitment_id, card.colour) == (late.pk, "red")
    assert card.commitment.verification_due_on == LATE

    # once the pledge is verified, the card no longer lists as running work
    commitment_verify(actor=approver, commitment=late, pledge_true=True, finding="属实")
    assert overdue_cards() == []


@pytest.mark.django_db
def test_the_supervisors_dashboard_lists_the_card_with_the_verification_date(
    verifying, department, verified_client_factory
):
    late = verifying(LATE)
    sweep_deadlines(today=FRIDAY)
    supervisor = OfficialFactory(department=department, role=OfficialRole.SUPERVISOR).user

    page = verified_client_factory(supervisor).get(
        reverse("approvals:supervision_dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert page.status_code == 200
    [card] = [card for card in page.context["cards"] if card.commitment_id == late.pk]
    assert card.colour == "red"
    body = page.content.decode()
    assert late.application.tracking_number in body
    assert '2025-01-22 <span class="hint">（告知承诺事后核查）</span>' in body


def _queries_for(n, verifying) -> int:
    for _ in range(n):
        verifying(SOON)
        verifying(LATE)
    working_calendar()  # the cached calendar is read once per process, not per sweep
    _new_day()
    with CaptureQueriesContext(connection) as context:
        report = sweep_deadlines(today=FRIDAY)
    assert report.cards == {"yellow": n, "red": n}
    return len(context.captured_queries)


@pytest.mark.django_db
def test_the_sweep_raises_them_in_a_constant_number_of_queries(verifying, head, approver):
    few = _queries_for(3, verifying)
    Commitment.objects.all().delete()
    many = _queries_for(30, verifying)

    assert many == few
