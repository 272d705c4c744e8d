"""Notices of the review: the clock's pauses and extensions, the decision, the review tasks
(``approvals/services/deadlines.py``, ``workflow.py``, ``tasks.py``, ``grants.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.models import Application, PauseKind
from approvals.services.notices.text import (
    NoticeText,
    application_params,
    detail_link,
    lazy_text,
)
from approvals.services.notifications import clause, message

# --- The clock: pauses and extensions (approvals/services/deadlines.py) --------------------------


def notice_clock_paused(application: Application, *, pause) -> NoticeText:
    """Art. 45: the applicant is told why the clock stops, and for how long if known."""
    pause_kind = pause.kind
    params = {
        **application_params(application),
        "kind": lazy_text(lambda: str(PauseKind(pause_kind).label)),
        "date": pause.started_on.isoformat(),
        "reason": pause.reason,
    }
    if pause.expected_working_days:
        body = message(
            _(
                "The time limit for %(number)s (%(service)s) is paused from %(date)s for: "
                "%(kind)s. Reason: %(reason)s. This is expected to take %(days)s working days, "
                "which do not count toward the time limit (Art. 45)."
            ),
            days=pause.expected_working_days,
            **params,
        )
    else:
        body = message(
            _(
                "The time limit for %(number)s (%(service)s) is paused from %(date)s for: "
                "%(kind)s. Reason: %(reason)s. This time does not count toward the time limit "
                "(Art. 45)."
            ),
            **params,
        )
    return NoticeText(
        kind="deadline.paused",
        title=message(_("Time limit paused: %(number)s"), **params),
        body=body,
    )


def notice_clock_resumed(application: Application, *, pause, due) -> NoticeText:
    """``due``: the running due date as the applicant reads it (``deadlines.due_text``)."""
    params = {**application_params(application), "date": pause.ended_on.isoformat(), "due": due}
    return NoticeText(
        kind="deadline.resumed",
        title=message(_("Time limit running again: %(number)s"), **params),
        body=message(
            _(
                "The pause of the time limit for %(number)s (%(service)s) ended on %(date)s. "
                "The time limit now runs out on %(due)s."
            ),
            **params,
        ),
    )


def notice_extension_requested(application: Application, *, extension) -> NoticeText:
    """To the department heads on the case (Art. 42)."""
    params = {
        "number": application.tracking_number or "",
        "days": extension.working_days,
        "reason": extension.reason,
    }
    return NoticeText(
        kind="extension.requested",
        title=message(_("Extension to approve: %(number)s"), **params),
        body=message(
            _("An extension of %(days)s working days is requested for %(number)s: %(reason)s"),
            **params,
        ),
    )


def _extension_params(application: Application, extension, due) -> dict:
    return {
        **application_params(application),
        "days": extension.working_days,
        "reason": extension.reason,
        "due": due,
    }


def notice_time_limit_extended(application: Application, *, extension, due) -> NoticeText:
    """To the applicant, when the head approved the extension (Art. 42)."""
    params = _extension_params(application, extension, due)
    return NoticeText(
        kind="deadline.extended",
        title=message(_("Time limit extended: %(number)s"), **params),
        body=message(
            _(
                "The time limit for deciding %(number)s (%(service)s) has been extended by "
                "%(days)s working days, with the approval of the department head (Art. 42). "
                "Reason: %(reason)s. The decision is now due by %(due)s."
            ),
            **params,
        ),
    )


def notice_extension_decided(
    application: Application, *, extension, approved: bool, due
) -> NoticeText:
    """To the official who asked for the extension."""
    params = _extension_params(application, extension, due)
    return NoticeText(
        kind="extension.decided",
        title=message(
            _("Extension approved: %(number)s") if approved else _("Extension refused: %(number)s"),
            **params,
        ),
        body=message(
            _("The extension of %(days)s working days for %(number)s was approved.")
            if approved
            else _("The extension of %(days)s working days for %(number)s was refused."),
            **params,
        ),
    )


# --- The decision (approvals/services/workflow.py) ----------------------------------------------


def notice_application_approved(application: Application) -> NoticeText:
    params = {"number": application.tracking_number or ""}
    return NoticeText(
        kind="application.approved",
        link=detail_link(application),
        title=message(_("Application approved: %(number)s"), **params),
        body=message(_("Your application %(number)s has been approved."), **params),
    )


def notice_application_denied(application: Application, *, reasons: str) -> NoticeText:
    """Art. 38: a denial states its reasons and the applicant's remedies."""
    params = {"number": application.tracking_number or "", "reasons": clause(reasons)}
    return NoticeText(
        kind="application.denied",
        link=detail_link(application),
        title=message(_("Application denied: %(number)s"), **params),
        body=message(
            _(
                "Your application %(number)s has been denied. Reasons: %(reasons)s. If you "
                "disagree, you may apply for administrative reconsideration within 60 days "
                "or bring an administrative lawsuit within 6 months of receiving the decision."
            ),
            **params,
        ),
    )


# --- Review tasks (approvals/services/workflow.py) ----------------------------------------------


def notice_task_new(application: Application, *, task) -> NoticeText:
    """To everyone holding the task's department and role: there is work."""
    params = {"number": application.tracking_number or "", "due": str(task.due_on or "")}
    return NoticeText(
        kind="task.new",
        link=reverse("approvals:work_task", args=[task.pk]),
        title=message(_("New task: %(number)s"), **params),
        body=message(
            _("Application %(number)s waits for your department (due %(due)s)."), **params
        ),
    )


def notice_second_approval_needed(application: Application, *, task) -> NoticeText:
    """To the others holding a drafted task's role: a second approver is needed."""
    params = {"number": application.tracking_number or ""}
    return NoticeText(
        kind="task.second_approval",
        link=reverse("approvals:work_task", args=[task.pk]),
        title=message(_("Second approval needed: %(number)s"), **params),
        body=message(
            _("An approval of %(number)s was drafted and needs a second approver."), **params
        ),
    )


def notice_task_assigned(task) -> NoticeText:
    """To the official the department head gave a task to."""
    params = {"number": task.application.tracking_number or ""}
    return NoticeText(
        kind="task.assigned",
        link=reverse("approvals:work_task", args=[task.pk]),
        title=message(_("Task assigned to you: %(number)s"), **params),
        body=message(_("Your department head gave you the task on %(number)s."), **params),
    )


# --- Access to a case outside one's tasks (approvals/services/grants.py) ------------------------


def notice_access_granted(application: Application, *, reason: str) -> NoticeText:
    """To the official given access to one application (an extra reviewer, a supervisor)."""
    params = {"number": application.tracking_number or "", "reason": reason}
    return NoticeText(
        kind="permission.granted",
        link=reverse("approvals:work_queue"),
        title=message(_("Access granted: %(number)s"), **params),
        body=message(_("You may now see application %(number)s. Reason: %(reason)s"), **params),
    )
