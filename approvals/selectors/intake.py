"""Reads for the service window: the intake queue and one application at the window."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from approvals.models import Application, ApplicationStatus, ServiceItem
from approvals.models.working_calendar import sla_light_for
from approvals.selectors import policy
from approvals.selectors.branches import BranchedRows, union_count
from audit.models import AuditEvent

INTAKE_ORDER = ("received_on", "submitted_at", "pk")
WAITING_COUNT_CAP = 1_000
# What a row of the window's queue shows (the page template and ``_applicant_label``).
QUEUE_ROW_FIELDS = (
    "tracking_number",
    "status",
    "filed_at_counter",
    "submitted_at",
    "received_on",
    "intake_due_on",
    "intake_due_provisional",
    "service_version__name_zh",
    "service_version__name_en",
    "person__real_name",
    "person__id_number",
    "business__name",
)


def intake_queue(
    user: User, *, item_code: str = "", department_ids: list[int] | None = None
) -> QuerySet[Application]:
    """Submitted applications waiting at ``user``'s windows, oldest first (one query). The
    members of a one-thing case are not loose rows here: the case is one row of its own
    (``selectors/theme_intake.py``)."""
    queryset = (
        Application.objects.filter(status=ApplicationStatus.SUBMITTED, theme_case__isnull=True)
        .filter(policy.intake_visibility(user, department_ids))
        .select_related("service_version__item", "person", "business")
        .order_by(*INTAKE_ORDER)
    )
    if item_code:
        queryset = queryset.filter(service_version__item__code=item_code)
    return queryset


def intake_page_rows(
    user: User, *, item_code: str = "", department_ids: list[int] | None = None
) -> BranchedRows:
    """The window's queue as a sequence for ``Paginator``: a page reads its own rows of the
    waiting applications' index, and the count stops at ``WAITING_COUNT_CAP`` (a backlog past
    that is shown as "more than"), so the page costs the same however long the backlog."""
    queryset = intake_queue(user, item_code=item_code, department_ids=department_ids)
    # A page reads the columns the queue shows, not the answers (``data``) nor the service
    # version's guide, form and workflow (kilobytes of JSON a row, decoded fifty times a page).
    rows = (
        queryset.select_related(None)
        .select_related("service_version", "person", "business")
        .only(*QUEUE_ROW_FIELDS)
    )
    return BranchedRows(
        [queryset],
        order=INTAKE_ORDER,
        rows=rows,
        count=lambda: union_count([queryset], cap=WAITING_COUNT_CAP + 1),
    )


def intake_services(
    user: User, *, department_ids: list[int] | None = None
) -> QuerySet[ServiceItem]:
    """The services the user's windows receive, for the queue's filter. ``department_ids``:
    ``policy.intake_department_ids(user)`` when the caller has it already."""
    if department_ids is None:
        department_ids = policy.intake_department_ids(user)
    return ServiceItem.objects.filter(department_id__in=department_ids).order_by("code")


def intake_light(application: Application, today: dt.date) -> str:
    """green / yellow / red for the intake period, or "" when it cannot be computed."""
    return sla_light_for(today, application.intake_due_on)


def get_application_for_intake(user: User, pk: int) -> Application:
    """The application ``pk`` if ``user`` is an intake clerk of its window; otherwise 404."""
    application = (
        Application.objects.select_related(
            "service_version__item__department", "person__user", "business", "created_by"
        )
        .filter(pk=pk)
        .exclude(status=ApplicationStatus.DRAFT)
        .first()
    )
    if application is None:
        raise Http404
    try:
        policy.require_intake_clerk(user, application)
    except PermissionDenied:
        raise Http404 from None
    return application


def application_history(application: Application) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(
            object_type="approvals.application", object_id=str(application.pk)
        )
        # Who opened the case file is for supervisors (the admin's timeline), not the history.
        .exclude(action="application.viewed")
        .select_related("actor")
        .order_by("sequence")
    )
