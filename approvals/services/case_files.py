"""Who saw what (DESIGN.md §1, supervisor): every opening of a case file by an official and every
display of an applicant's unmasked ID number is audited. Applicants seeing their own data are
not (they are the data's subject)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.models import Application, ThemeCase
from approvals.selectors import policy
from audit.chain import audit_record


def _position(actor: User, application: Application, tasks=None):
    """The official's position that gives the reason to look: the task's or the window's (the
    first of them in the order they were given). ``tasks``: the application's, when read."""
    positions = policy.position_rows(actor)
    working = [position for position in positions if position.role != "supervisor"]
    if working:  # only then are the application's departments asked
        if tasks is None:
            departments = set(application.tasks.values_list("department_id", flat=True))
        else:
            departments = {task.department_id for task in tasks}
        working = [position for position in working if position.department_id in departments]
    clerk = [position for position in positions if position.role == "intake_clerk"]
    supervisor = [position for position in positions if position.role == "supervisor"]
    return next(iter(working + clerk + supervisor), None)


def case_file_open(*, actor: User, application: Application, page: str, tasks=None) -> None:
    """An official opened the application's page (``page``: "task", "intake", or "timeline" for
    a supervisor reading its history in the admin). ``tasks``: the application's tasks, when
    the page has read them already.

    Not wrapped in a transaction of its own: its one write, the audit event, is atomic in
    ``audit_record`` (a transaction around it would only add a savepoint to each page)."""
    if page == "timeline":
        policy.require_audit_reader(actor)
    else:
        policy.require_case_file(actor, application, tasks=tasks)
    position = _position(actor, application, tasks)
    audit_record(
        action="application.viewed",
        actor=actor,
        obj=application,
        changes={"page": [None, page]},
        actor_role=position.role if position else "",
        actor_department=position.department if position else None,
    )


@transaction.atomic
def theme_case_file_open(*, actor: User, case: ThemeCase) -> None:
    """The window's clerk opened a one-thing case at the window: one event on the case naming
    every member application seen (one write, whatever the number of members)."""
    policy.require_theme_intake_clerk(actor, case)
    position = (
        policy.active_positions(actor).filter(role="intake_clerk").select_related("department")
    ).first()
    members = list(
        Application.objects.filter(theme_case=case).order_by("pk").values_list("pk", flat=True)
    )
    audit_record(
        action="theme_case.viewed",
        actor=actor,
        obj=case,
        changes={"page": [None, "intake"], "applications": [None, members]},
        actor_role=position.role if position else "",
        actor_department=position.department if position else None,
    )


@transaction.atomic
def id_number_reveal(*, actor: User, application: Application) -> str:
    """The applicant's full resident ID number, for an official with access to the application;
    the display is audited against the person, with the application that was the reason."""
    policy.require_case_file(actor, application)
    if application.person_id is None:
        raise ValidationError(_("This application has no personal applicant."))
    person = application.person
    position = _position(actor, application)
    audit_record(
        action="person.id_number_revealed",
        actor=actor,
        obj=person,
        changes={
            "application": [None, application.pk],
            "tracking_number": [None, application.tracking_number],
        },
        actor_role=position.role if position else "",
        actor_department=position.department if position else None,
    )
    return person.id_number
