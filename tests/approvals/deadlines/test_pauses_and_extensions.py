import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import OfficialRole
from approvals.domain.china_time import CHINA
from approvals.models import ClockPause, ExtensionStatus, Notification, ReviewTask
from approvals.services.deadlines import (
    application_deadlines_refresh,
    clock_pause_end,
    clock_pause_start,
    extension_decide,
    extension_request,
)
from audit.models import AuditEvent
from tests.factories import DepartmentFactory, OfficialFactory

D = dt.date


@pytest.fixture
def under_review(make_application, department):
    application = make_application(
        status="under_review", received_on=D(2025, 1, 2), accepted_on=D(2025, 1, 3)
    )
    application_deadlines_refresh(application=application)
    application.refresh_from_db()
    # its review task, created on the day of acceptance: 10 working days
    with time_machine.travel(dt.datetime.combine(D(2025, 1, 3), dt.time(10), CHINA), tick=False):
        ReviewTask.objects.create(
            application=application,
            stage_key="review",
            branch_key="main",
            department=department,
            role=OfficialRole.REVIEWER,
            due_on=D(2025, 1, 17),
        )
    return application


_travellers: list = []


def _today(monkeypatch, day):
    """The clock (and so ``china_today()``) on ``day`` in China until the test ends."""
    traveller = time_machine.travel(dt.datetime.combine(day, dt.time(10), CHINA), tick=False)
    traveller.start()
    _travellers.append(traveller)


@pytest.fixture(autouse=True)
def _back_to_now():
    yield
    while _travellers:
        _travellers.pop().stop()


@pytest.mark.django_db
def test_a_pause_moves_the_due_dates_and_the_applicant_is_told(under_review, reviewer, monkeypatch):
    # given a decision due 2025-02-07 (20 working days from 2025-01-03, 01-26 a make-up Sunday)
    assert under_review.decision_due_on == D(2025, 2, 7)
    # when the reviewer pauses the clock for an inspection on Monday 2025-01-06
    _today(monkeypatch, D(2025, 1, 6))
    pause = clock_pause_start(
        actor=reviewer,
        application=under_review,
        kind="inspection",
        reason="Site inspection of the premises",
        expected_working_days=3,
    )
    under_review.refresh_from_db()
    # then the due date is unknown while the clock is stopped, and the applicant is told
    assert under_review.decision_due_on is None
    told = Notification.objects.get(user=under_review.created_by, kind="deadline.paused")
    assert "Site inspection of the premises" in told.body and "3" in told.body
    assert AuditEvent.objects.filter(action="clock.pause_started", object_id=str(under_review.pk))
    # when it ends on Wednesday 2025-01-08 (3 working days: 06, 07, 08)
    _today(monkeypatch, D(2025, 1, 8))
    ended = clock_pause_end(actor=reviewer, application=under_review)
    under_review.refresh_from_db()
    # then the statutory and task due dates move by those 3 working days
    assert ended.pk == pause.pk and ended.ended_on == D(2025, 1, 8)
    assert under_review.decision_due_on == D(2025, 2, 11)
    assert ReviewTask.objects.get(application=under_review).due_on == D(2025, 1, 22)
    assert Notification.objects.filter(user=under_review.created_by, kind="deadline.resumed")
    assert AuditEvent.objects.filter(action="clock.pause_ended", object_id=str(under_review.pk))


@pytest.mark.django_db
def test_no_pause_without_a_reason_or_by_an_outsider(under_review, reviewer):
    with pytest.raises(ValidationError):
        clock_pause_start(actor=reviewer, application=under_review, kind="testing", reason=" ")
    outsider = OfficialFactory(department=DepartmentFactory()).user
    with pytest.raises(PermissionDenied):
        clock_pause_start(actor=outsider, application=under_review, kind="testing", reason="x")
    assert not ClockPause.objects.exists()


@pytest.mark.django_db
def test_an_approved_extension_adds_working_days_and_tells_the_applicant_why(
    under_review, reviewer, head
):
    # given a request for 10 more working days
    extension = extension_request(
        actor=reviewer, application=under_review, working_days=10, reason="Expert opinion needed"
    )
    assert Notification.objects.filter(user=head, kind="extension.requested")
    # when the head approves
    extension_decide(actor=head, extension=extension, approve=True)
    under_review.refresh_from_db()
    extension.refresh_from_db()
    # then the decision is due 10 working days later and the applicant knows why
    assert extension.status == ExtensionStatus.APPROVED and extension.decided_by == head
    assert under_review.decision_due_on == D(2025, 2, 20)
    told = Notification.objects.get(user=under_review.created_by, kind="deadline.extended")
    assert "Expert opinion needed" in told.body
    event = AuditEvent.objects.get(action="extension.approved")
    assert event.changes["decision_due_on"] == ["2025-02-07", "2025-02-20"]


@pytest.mark.django_db
def test_only_a_head_decides_and_not_beyond_the_legal_maximum(under_review, reviewer, head):
    with pytest.raises(ValidationError):
        extension_request(actor=reviewer, application=under_review, working_days=11, reason="x")
    extension = extension_request(
        actor=reviewer, application=under_review, working_days=5, reason="More checks"
    )
    with pytest.raises(PermissionDenied):
        extension_decide(actor=reviewer, extension=extension, approve=True)
    other_head = OfficialFactory(
        department=DepartmentFactory(), role=OfficialRole.DEPARTMENT_HEAD
    ).user
    with pytest.raises(PermissionDenied):
        extension_decide(actor=other_head, extension=extension, approve=True)
    extension_decide(actor=head, extension=extension, approve=True)
    # 5 of 10 used: 6 more would exceed Art. 42
    with pytest.raises(ValidationError):
        extension_request(actor=reviewer, application=under_review, working_days=6, reason="x")


@pytest.mark.django_db
def test_a_refused_extension_changes_nothing(under_review, reviewer, head):
    extension = extension_request(
        actor=reviewer, application=under_review, working_days=5, reason="More checks"
    )
    extension_decide(actor=head, extension=extension, approve=False)
    under_review.refresh_from_db()
    assert under_review.decision_due_on == D(2025, 2, 7)
    assert AuditEvent.objects.filter(action="extension.refused")
    assert Notification.objects.filter(user=reviewer, kind="extension.decided")
    assert not Notification.objects.filter(kind="deadline.extended")


@pytest.mark.django_db
def test_joint_handling_may_be_extended_by_15(make_application, department, reviewer, head):
    application = make_application(
        joint=True, status="under_review", received_on=D(2025, 1, 2), accepted_on=D(2025, 1, 3)
    )
    ReviewTask.objects.create(
        application=application,
        stage_key="review",
        branch_key="b0",
        department=department,
        role=OfficialRole.REVIEWER,
    )
    extension = extension_request(
        actor=reviewer, application=application, working_days=15, reason="Three departments"
    )
    assert extension.working_days == 15
