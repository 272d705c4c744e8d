"""Reads for officials: the department queue and one task. Visibility comes from
``policy.official_task_visibility`` (department, role and assignee columns, indexed); the queue
runs a constant number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import OfficialPosition, User
from approvals import policy
from approvals.models import AuditEvent, DeadlineExtension, ReviewTask, ServiceItem

QUEUE_PAGE_SIZE = 25
LIGHTS = ("green", "yellow", "red")
STATES = ("unclaimed", "mine", "others")


@dataclass
class QueueFilters:
    service: str = ""  # ServiceItem code
    state: str = ""  # unclaimed / mine / others
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    light: str = ""


@dataclass
class Queue:
    page: Page
    counts: dict
    assignable: dict = field(default_factory=dict)  # (department_id, role) -> [User]
    head_departments: set = field(default_factory=set)


def visible_tasks(user: User) -> QuerySet[ReviewTask]:
    return ReviewTask.objects.filter(policy.official_task_visibility(user))


def _state_q(user: User, state: str) -> Q:
    if state == "unclaimed":
        return Q(assignee__isnull=True)
    if state == "mine":
        return Q(assignee=user)
    if state == "others":
        return Q(assignee__isnull=False) & ~Q(assignee=user)
    return Q()


def queue_rows(user: User, filters: QueueFilters) -> QuerySet[ReviewTask]:
    """The open tasks ``user`` may work, filtered, by due date (the queue page and the API)."""
    rows = visible_tasks(user).filter(status="open")
    if filters.service:
        rows = rows.filter(application__service_version__item__code=filters.service)
    if filters.state in STATES:
        rows = rows.filter(_state_q(user, filters.state))
    if filters.due_from:
        rows = rows.filter(due_on__gte=filters.due_from)
    if filters.due_to:
        rows = rows.filter(due_on__lte=filters.due_to)
    if filters.light in LIGHTS:
        rows = rows.filter(sla_light=filters.light)
    return rows.select_related(
        "application__service_version__item", "department", "assignee"
    ).order_by("due_on", "pk")


def department_queue(user: User, filters: QueueFilters | None = None, page: int = 1) -> Queue:
    """The open tasks ``user`` may work, sorted by due date, with counts per SLA light and per
    state (unclaimed, mine, others' — before the filters), filtered and paginated."""
    filters = filters or QueueFilters()
    open_tasks = visible_tasks(user).filter(status="open")
    counts = open_tasks.aggregate(
        total=Count("pk"),
        **{light: Count("pk", filter=Q(sla_light=light)) for light in LIGHTS},
        **{state: Count("pk", filter=_state_q(user, state)) for state in STATES},
    )
    paginator = Paginator(queue_rows(user, filters), QUEUE_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    head_departments = set(
        policy.active_positions(user)
        .filter(role="department_head")
        .values_list("department_id", flat=True)
    )
    assignable: dict = {}
    if head_departments:
        members = (
            OfficialPosition.objects.filter(
                department_id__in=head_departments, is_active=True, user__is_active=True
            )
            .select_related("user")
            .order_by("user__email")
        )
        for position in members:
            assignable.setdefault((position.department_id, position.role), []).append(position.user)
    for task in page_obj.object_list:
        task.assign_choices = (
            assignable.get((task.department_id, task.role), [])
            if task.department_id in head_departments
            else []
        )
    return Queue(
        page=page_obj,
        counts=counts,
        assignable=assignable,
        head_departments=head_departments,
    )


def queue_services(user: User) -> list[ServiceItem]:
    """The services with open tasks ``user`` may see (the queue's service filter)."""
    open_tasks = visible_tasks(user).filter(status="open")
    return list(
        ServiceItem.objects.filter(
            pk__in=open_tasks.values("application__service_version__item_id")
        ).order_by("code")
    )


def get_task_for_official(user: User, pk: int) -> ReviewTask:
    """The task ``pk`` if ``user`` may see it; ``Http404`` otherwise (as if it did not exist)."""
    task = (
        visible_tasks(user)
        .select_related(
            "application__service_version__item",
            "application__person",
            "application__business",
            "department",
            "assignee",
            "drafted_by",
        )
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    return task


def application_history(application) -> list[AuditEvent]:
    """The audit events of the application and its tasks, newest first."""
    task_ids = [str(pk) for pk in application.tasks.values_list("pk", flat=True)]
    return list(
        AuditEvent.objects.filter(
            Q(object_type="approvals.application", object_id=str(application.pk))
            | Q(object_type="approvals.reviewtask", object_id__in=task_ids)
        )
        # Who opened the case file is for supervisors (the admin's timeline), not the history.
        .exclude(action="application.viewed")
        .select_related("actor")
        .order_by("-sequence")[:200]
    )


def application_tasks(application) -> list[ReviewTask]:
    return list(application.tasks.select_related("department", "assignee").order_by("round", "pk"))


def official_may_see_application(user: User, application) -> bool:
    return visible_tasks(user).filter(application=application).exists()


def extensions_for_head(user: User) -> QuerySet[DeadlineExtension]:
    """Extension requests waiting for a head of a department with a task on the application."""
    departments = (
        policy.active_positions(user).filter(role="department_head").values("department_id")
    )
    applications = ReviewTask.objects.filter(department_id__in=departments).values("application_id")
    return (
        DeadlineExtension.objects.filter(status="requested", application_id__in=applications)
        .select_related("application__service_version", "requested_by")
        .order_by("created_at")
    )
