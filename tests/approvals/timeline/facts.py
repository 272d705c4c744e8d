"""A case with many of each of the timeline's facts, for the tests that count statements."""

import datetime as dt

from django.utils import timezone

from approvals.models import ClockPause, DeadlineExtension, Pledge, ReviewTask, SupplementRequest
from audit.chain import audit_record


def add_timeline_facts(demo, application, n: int, *, event: str = "application.viewed") -> None:
    """``n`` of each of the timeline's facts on ``application``: ended pauses, approved
    extensions, answered notices, pledges, cancelled tasks, and audit events ``event``."""
    today = timezone.localdate()
    for i in range(n):
        ClockPause.objects.create(
            application=application,
            kind="inspection",
            reason="r",
            started_on=today - dt.timedelta(days=40 - i),
            ended_on=today - dt.timedelta(days=39 - i),
        )
        DeadlineExtension.objects.create(
            application=application,
            working_days=1,
            reason="r",
            status="approved",
            requested_by=demo.head,
            decided_by=demo.head,
            decided_at=timezone.now(),
        )
        SupplementRequest.objects.create(
            application=application,
            reply_by=today,
            requested_by=demo.clerk,
            during_review=True,
            answered_at=timezone.now(),
        )
        Pledge.objects.create(
            application=application, material_key=f"m{i}", due_on=today, created_by=demo.clerk
        )
        ReviewTask.objects.create(
            application=application,
            stage_key="review",
            branch_key="fire",
            round=1,
            department=demo.fire,
            role="reviewer",
            status="cancelled",
            completed_at=timezone.now(),
        )
        audit_record(action=event, obj=application, changes={"page": [None, "x"]})
