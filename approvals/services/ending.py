"""The end of an application's work: when an application ends (withdrawn, refused acceptance,
denied), nothing it started may stay open. Its open review tasks are cancelled, its running clock
pauses end and its open pledges (容缺受理) are cancelled, each with the recorded reason, in the
transaction that ends it. ``application_transition`` calls ``application_end_work`` for every
ending status, so that no ending path can forget it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from approvals.domain.china_time import china_today
from approvals.models import Application, ClockPause, Pledge, ReviewTask
from approvals.models.review import TaskStatus
from audit.chain import audit_record


def review_tasks_cancel(
    *,
    actor,
    task_ids,
    reason: str,
    from_status: str = TaskStatus.OPEN,
    action: str = "task.cancelled",
) -> list[ReviewTask]:
    """Cancel the tasks among ``task_ids`` still in ``from_status`` (open, or a rejection set
    aside), each audited as ``action`` with ``reason``. The caller holds the transaction (the
    open-task counts follow the status by the database triggers)."""
    tasks = list(
        ReviewTask.objects.select_for_update()
        .filter(pk__in=list(task_ids), status=from_status)
        .order_by("pk")
    )
    now = timezone.now()
    for task in tasks:
        task.status = TaskStatus.CANCELLED
        task.completed_at = now
        task.revision += 1
        task.save(update_fields=["status", "completed_at", "revision"])
        audit_record(
            action=action,
            actor=actor,
            obj=task,
            reason=reason,
            changes={"status": [str(from_status), "cancelled"]},
        )
    return tasks


@transaction.atomic
def application_end_work(
    *, actor, application: Application, reason: str, recorded_by_caller: bool = False
) -> dict:
    """Cancel every open task, end every running clock pause and cancel every open pledge of
    ``application``, with ``reason``. Returns what it ended (primary keys by kind).

    ``recorded_by_caller``: the act that ends the application (``application_transition``) puts
    ``ended_changes(ended)`` in its one event instead of an ``application.work_ended`` event.
    (The cancelled tasks keep their own ``task.cancelled`` events.)"""
    open_tasks = ReviewTask.objects.filter(application=application, status=TaskStatus.OPEN)
    tasks = review_tasks_cancel(
        actor=actor, task_ids=open_tasks.values_list("pk", flat=True), reason=reason
    )
    today = china_today()
    pauses = list(
        ClockPause.objects.select_for_update().filter(
            application=application, ended_on__isnull=True
        )
    )
    for pause in pauses:
        pause.ended_on = max(today, pause.started_on)
        pause.save(update_fields=["ended_on"])
    now = timezone.now()
    pledges = list(
        Pledge.objects.select_for_update().filter(
            application=application,
            fulfilled_at__isnull=True,
            lapsed_at__isnull=True,
            cancelled_at__isnull=True,
        )
    )
    for pledge in pledges:
        pledge.cancelled_at = now
        pledge.save(update_fields=["cancelled_at"])
    ended = {
        "tasks": [task.pk for task in tasks],
        "pauses": [pause.pk for pause in pauses],
        "pledges": [pledge.pk for pledge in pledges],
    }
    if any(ended.values()) and not recorded_by_caller:
        audit_record(
            action="application.work_ended",
            actor=actor,
            obj=application,
            reason=reason,
            changes={kind: [None, pks] for kind, pks in ended.items()},
        )
    return ended


def ended_changes(ended: dict) -> dict:
    """What the ending act's event says about the work it ended: ``ended_tasks`` and so on."""
    return {f"ended_{kind}": [None, pks] for kind, pks in ended.items() if pks}
