"""Reads about proposed denials (a rejection waiting for the later stages' confirmation)."""

from __future__ import annotations

from approvals.models import ReviewTask
from approvals.models.review import TaskStatus


def proposed_denial_rejections(task: ReviewTask) -> list[ReviewTask]:
    """On a task confirming a proposed denial: the rejections that propose it, with their
    departments and reasons; empty on any other task. The caller has checked that the official
    may see ``task``; these are tasks of the same application."""
    if task.confirms_denial_id is None:
        return []
    anchor = task.confirms_denial
    return list(
        ReviewTask.objects.filter(
            application_id=task.application_id,
            stage_key=anchor.stage_key,
            round=anchor.round,
            confirms_denial__isnull=True,
            status=TaskStatus.REJECTED,
        )
        .select_related("department")
        .order_by("pk")
    )
