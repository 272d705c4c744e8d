"""容缺受理: an unkept pledge reopens the matter (DESIGN.md §2); a kept one does not lapse."""

import datetime as dt

import pytest

from accounts.models import OfficialRole
from approvals.models import (
    Application,
    ClockPause,
    Notification,
    Pledge,
    ReviewTask,
    SupplementRequest,
)
from approvals.services.attachments import attachment_upload
from approvals.services.intake import supplement_answer
from approvals.services.sweep import sweep_deadlines
from audit.models import AuditEvent
from tests.approvals.deadlines.conftest import single_stage
from tests.factories import ApplicationFactory, ServiceVersionFactory
from tests.support import png_upload

D = dt.date
DUE = D(2025, 3, 3)  # a Monday
SWEEP_DAY = D(2025, 3, 4)  # the next day: the pledge is past its date


def _events(action, application=None):
    queryset = AuditEvent.objects.filter(action=action)
    if application is not None:
        queryset = queryset.filter(object_id=str(application.pk))
    return list(queryset)


@pytest.fixture
def pledged(department, window, clerk, reviewer):
    """Under review, accepted on a pledge to hand in the lease by DUE, one review task open."""
    version = ServiceVersionFactory(
        item__department=department,
        published=True,
        workflow_definition=single_stage("market"),
        materials=[{"key": "lease"}, {"key": "map"}],
    )
    application = ApplicationFactory(
        under_review=True,
        service_version=version,
        received_on=D(2025, 2, 24),
        accepted_on=D(2025, 2, 25),
        current_stage_key="review",
        workflow_round=1,
    )
    task = ReviewTask.objects.create(
        application=application,
        stage_key="review",
        branch_key="main",
        department=department,
        role=OfficialRole.REVIEWER,
        assignee=reviewer,
        due_on=D(2025, 3, 20),
    )
    pledge = Pledge.objects.create(
        application=application, material_key="lease", due_on=DUE, created_by=clerk
    )
    return application, task, pledge


@pytest.mark.django_db
def test_an_unkept_pledge_reopens_the_matter(pledged, clerk):
    application, task, pledge = pledged
    # when the sweep runs the day after the pledged date
    report = sweep_deadlines(today=SWEEP_DAY)
    # then the pledge lapsed and the applicant is asked for the pledged material
    pledge.refresh_from_db()
    assert pledge.lapsed_at is not None and report.lapsed_pledges == [pledge.pk]
    application.refresh_from_db()
    assert application.status == "review_supplement"
    request = SupplementRequest.objects.get(application=application)
    assert request.during_review and request.answered_at is None
    assert request.reply_by == D(2025, 3, 11)  # 5 working days
    [item] = request.items
    assert item["material"] == "lease" and "2025-03-03" in item["problem"]
    assert request.requested_by == clerk
    # with the clock paused and the review task left open
    pause = ClockPause.objects.get(application=application, kind="supplement")
    assert pause.ended_on is None
    task.refresh_from_db()
    assert task.status == "open" and task.assignee is not None
    # audited as a system action
    [transition] = _events("application.request_supplement", application)
    assert transition.actor is None
    assert transition.changes["status"] == ["under_review", "review_supplement"]
    assert transition.changes["supplement_request"] == [None, request.pk]
    assert transition.changes["pledges"] == [None, [pledge.pk]]
    # one act, one event: the reopening names the pause it started
    assert transition.changes["pause"] == [None, pause.pk]
    assert _events("clock.pause_started", application) == []
    [lapsed] = _events("pledge.lapsed")
    assert lapsed.changes["pledges"][1][0]["supplement_request"] == request.pk
    # and the applicant is told which material is owed, and by when
    notice = Notification.objects.get(user=application.created_by, kind="pledge.lapsed")
    lease = application.service_version.materials.get(key="lease")
    assert lease.name_en in notice.body or lease.name_zh in notice.body  # the recipient's language
    assert "2025-03-11" in notice.body
    assert notice.link.endswith(f"/applications/{application.pk}/supplement/")
    assert Notification.objects.filter(user=clerk, kind="intake.pledge_lapsed").count() == 1


@pytest.mark.django_db
def test_a_second_sweep_does_nothing_more(pledged):
    application, _task, _pledge = pledged
    sweep_deadlines(today=SWEEP_DAY)
    report = sweep_deadlines(today=SWEEP_DAY)
    sweep_deadlines(today=SWEEP_DAY + dt.timedelta(days=1))
    assert report.lapsed_pledges == []
    assert SupplementRequest.objects.filter(application=application).count() == 1
    assert ClockPause.objects.filter(application=application).count() == 1
    assert len(_events("pledge.lapsed")) == 1
    assert len(_events("application.request_supplement", application)) == 1
    assert Notification.objects.filter(kind="pledge.lapsed").count() == 1


@pytest.mark.django_db
def test_a_pledge_kept_by_uploading_the_material_does_not_lapse(pledged):
    application, _task, pledge = pledged
    # given the applicant uploads the pledged material while the matter is under review
    attachment_upload(
        actor=application.created_by,
        application=application,
        material_key="lease",
        uploaded_file=png_upload("lease.png"),
    )
    # then the pledge is fulfilled, audited
    pledge.refresh_from_db()
    assert pledge.fulfilled_at is not None
    [event] = _events("pledge.fulfilled", application)
    assert event.actor == application.created_by
    assert event.changes["pledges"] == [None, [pledge.pk]]
    # and the sweep after the date leaves it alone
    report = sweep_deadlines(today=SWEEP_DAY)
    pledge.refresh_from_db()
    application.refresh_from_db()
    assert pledge.lapsed_at is None and report.lapsed_pledges == []
    assert application.status == "under_review"
    assert not SupplementRequest.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_other_materials_stay_closed_under_review(pledged):
    from approvals.security.uploads import UploadRejected

    application, _task, _pledge = pledged
    with pytest.raises(UploadRejected):
        attachment_upload(
            actor=application.created_by,
            application=application,
            material_key="map",
            uploaded_file=png_upload("map.png"),
        )


@pytest.mark.django_db
def test_answering_the_reopened_matter_returns_it_to_review(pledged, clerk, reviewer):
    application, task, _pledge = pledged
    sweep_deadlines(today=SWEEP_DAY)
    application.refresh_from_db()
    # when the applicant uploads the owed material and sends the supplement
    attachment_upload(
        actor=application.created_by,
        application=application,
        material_key="lease",
        uploaded_file=png_upload("lease.png"),
    )
    supplement_answer(actor=application.created_by, application=application)
    # then the matter is back under review, the clock runs again, the same task continues
    stored = Application.objects.get(pk=application.pk)
    assert stored.status == "under_review"
    assert ClockPause.objects.get(application=stored, kind="supplement").ended_on is not None
    task.refresh_from_db()
    assert task.status == "open"
    assert Notification.objects.filter(user=reviewer, kind="intake.supplement_answered").exists()
    assert Notification.objects.filter(user=clerk, kind="intake.supplement_answered").exists()
