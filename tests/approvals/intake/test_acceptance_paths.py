"""One acceptance path for its three ways in: the window's acceptance, the acceptance against a
pledge (容缺受理) and the sweep's deemed acceptance (Art. 32) start the same review."""

import datetime as dt

import pytest
from django.core.management import call_command

from approvals.models import Document, Notification, ReviewTask
from approvals.services.intake import intake_accept, intake_accept_with_pledge
from tests.support import in_days, recorded_events


def what_review_started(application) -> dict:
    application.refresh_from_db()
    return {
        "status": application.status,
        "accepted_on": application.accepted_on,
        "decision_due_on": application.decision_due_on,
        "promised_due_on": application.promised_due_on,
        "stage": application.current_stage_key,
        "round": application.workflow_round,
        "tasks": sorted(
            ReviewTask.objects.filter(application=application).values_list(
                "stage_key", "branch_key", "department_id", "status", "due_on"
            )
        ),
        "acceptance_notices": Document.objects.filter(
            application=application, kind="acceptance_notice"
        ).count(),
    }


@pytest.mark.django_db
def test_the_three_ways_in_start_the_same_review_with_the_same_dates(make_submitted, clerk):
    # given three applications received today
    accepted, pledged, waiting = make_submitted(), make_submitted(), make_submitted()
    # when the window accepts one, accepts one against a pledge, and lets the third wait past its
    # 5 working days until the sweep deems it accepted from the day of receipt
    intake_accept(actor=clerk, application=accepted, revision=accepted.revision)
    intake_accept_with_pledge(
        actor=clerk,
        application=pledged,
        revision=pledged.revision,
        material_key=pledged.service_version.materials.first().key,
        due_on=in_days(10),
    )
    day_after = waiting.intake_due_on + dt.timedelta(days=1)
    with recorded_events() as recorded:
        call_command("sweep_deadlines", "--today", day_after.isoformat())
    # then the three are under review with the same tasks, due dates and written notice
    started = what_review_started(accepted)
    assert started["status"] == "under_review" and started["tasks"]
    assert started["acceptance_notices"] == 1
    assert what_review_started(pledged) == started
    assert what_review_started(waiting) == started
    # and each applicant is told; the deemed acceptance is one event carrying its status change
    for application, kind in (
        (accepted, "intake.accepted"),
        (pledged, "intake.accepted_with_pledge"),
        (waiting, "application.deemed_accepted"),
    ):
        assert Notification.objects.filter(application=application, kind=kind).count() == 1
    deemed = [e for e in recorded if e.action == "application.deemed_accepted"]
    # (accepted, then under review: the act's one event, naming the review's first tasks)
    assert len(deemed) == 1 and deemed[0].changes["status"] == ["submitted", "under_review"]
    assert sorted(deemed[0].changes["tasks"][1]) == sorted(
        waiting.tasks.values_list("pk", flat=True)
    )
    assert not [e for e in recorded if e.action == "workflow.started"]
