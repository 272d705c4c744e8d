"""Reads for officials: the department queue and one task. Visibility comes from
``policy.official_task_branches``: disjoint branches (department and role, claimed, granted), each
read through its own index and merged in the queue's order (approvals/selectors/branches.py); the
counts come from the open-task ledger the database keeps (``OpenTaskCount``). A page costs the
same whatever the number of tasks, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import OfficialPosition, User
from approvals.db.statement_shapes import rows_by_shape
from approvals.domain.china_time import china_today
from approvals.models import (
    DeadlineExtension,
    OpenTaskCount,
    ReviewTask,
    TaskStatus,
)
from approvals.models.working_calendar import (
    open_pause,
    sla_band_of,
    sla_light_conditions,
    sla_light_expression,
    working_calendar,
)
from approvals.selectors import policy
from approvals.selectors.branches import BranchedRows, ListShape, union_count
from audit.models import AuditEvent

QUEUE_PAGE_SIZE = 25
LIGHTS = ("green", "yellow", "red", "paused")
STATES = ("unclaimed", "mine", "others")
QUEUE_ORDER = ("due_on", "pk")
# What "the clock is stopped" is on the open-task ledger's rows (the SLA light's "paused").
LEDGER_PAUSED = Q(clock_stopped=True)
# A due-date filter is not in the kept counts: its total is counted, up to this many.
FILTERED_COUNT_CAP = 10_000
# The columns the counts are grouped by (``_tally``): the service's code too, so that the same
# statement gives the queue's service filter.
_TALLY_GROUPS = ("mine", "counted", "unclaimed", "due", "service")


# What a queue row shows, on the page (approvals/work/queue.html) and in the API
# (``TaskSerializer``): the task's own columns but its comment, and of the rest only what a row
# prints (the application's number, status and due date, the service's name and code, the
# department's name and code, the assignee's email). Loading whole rows of six tables made
# model instances of some 170 columns a page, the most of the selector's time.
QUEUE_ROW_COLUMNS = (
    *(
        field.name
        for field in ReviewTask._meta.concrete_fields
        if field.get_internal_type() not in ("TextField", "JSONField")
    ),
    "application__tracking_number",
    "application__status",
    "application__decision_due_on",
    "application__decision_due_provisional",
    "application__service_version__name_zh",
    "application__service_version__name_en",
    "application__service_version__item__code",
    "department__code",
    "department__name_zh",
    "department__name_en",
    "assignee__email",
)


# The rows with what they show, joined once here: each page only chains from it (a queryset
# never evaluated itself, so it holds no rows), sparing every page the work of working out the
# joins and the deferred columns again.
_QUEUE_ROWS = ReviewTask.objects.select_related(
    "application__service_version__item", "department", "assignee"
).only(*QUEUE_ROW_COLUMNS)


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


@dataclass
class QueueSummary:
    """What the queue page knows before its filters: who sees what, the counts, and the codes of
    the services with open tasks the official may see (the service filter's choices)."""

    visibility: policy.TaskBranches
    counts: dict
    services: list[str]


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


def _filters_q(user: User, filters: QueueFilters, *, state: bool = True) -> Q:
    query = Q(status=TaskStatus.OPEN)
    if filters.service:
        query &= Q(application__service_version__item__code=filters.service)
    if state and filters.state in STATES:
        query &= _state_q(user, filters.state)
    if filters.due_from:
        query &= Q(due_on__gte=filters.due_from)
    if filters.due_to:
        query &= Q(due_on__lte=filters.due_to)
    if filters.light in LIGHTS:  # the light's band of due dates (or the stopped clock)
        query &= sla_light_conditions(china_today())[filters.light]
    return query


def _queue_branches(
    user: User, filters: QueueFilters, visibility: policy.TaskBranches
) -> list[QuerySet[ReviewTask]]:
    open_tasks = ReviewTask.objects.filter(_filters_q(user, filters))
    return [open_tasks.filter(branch) for branch in visibility.branches()]


def _pair_counts(visibility: policy.TaskBranches, filters: QueueFilters) -> QuerySet[OpenTaskCount]:
    """The open-task ledger's rows of the official's (department, role) pairs, narrowed by the
    filters that are part of its buckets (service, light: its band of due dates); sum ``tasks``
    to count."""
    query = Q(pk__in=[])
    for department_id, role in visibility.pairs:
        query |= Q(department_id=department_id, role=role)
    counts = OpenTaskCount.objects.filter(query)
    if filters.service:
        counts = counts.filter(service_version__item__code=filters.service)
    if filters.light in LIGHTS:
        counts = counts.filter(
            sla_light_conditions(china_today(), paused=LEDGER_PAUSED)[filters.light]
        )
    return counts


def _grouped(rows: QuerySet, due, *, service: str | None, n, paused, **flags: bool | Q) -> QuerySet:
    """``rows`` counted (``n``, ``paused``) by the tally's groups (``_TALLY_GROUPS``): the
    flags, each a constant or a condition on the row, the due date (``due``) and the service's
    code (``service``, the path to it; ``None``: not asked for, no join)."""
    columns = {
        name: Value(flag)
        if isinstance(flag, bool)
        else ExpressionWrapper(flag, output_field=BooleanField())
        for name, flag in flags.items()
    }
    return (
        rows.annotate(**columns, due=due, service=F(service) if service else Value(""))
        .values(*_TALLY_GROUPS)
        .annotate(n=n, paused=paused)
        .order_by()
    )


def _tally(
    user: User,
    filters: QueueFilters,
    visibility: policy.TaskBranches,
    *,
    services: bool = False,
    lights: bool = True,
) -> tuple[dict, list[str]]:
    """total, unclaimed, mine and others, and a count per SLA light, of the visible open tasks
    that pass ``filters`` (but the state filter): the kept counts of the official's pairs plus a
    count of the few tasks they see otherwise (claimed by them or granted to them elsewhere);
    with ``services``, the codes of the services of those tasks too, sorted (the queue page's
    filter: the joins to the catalogue cost the statement ~1.4 ms of planning, which a list
    that only counts, the API's, does without).
    ``lights=False``: the lights' counts are left at 0, and neither the due dates nor the stopped
    clocks are read (a list's count, the API's pages).

    One statement, the union of three grouped reads of a few rows each: the ledger's rows of the
    pairs, the official's claims (on the assignee index: all of them are "mine", those outside
    the pairs are counted) and the grants outside both. Each is grouped by due date with its
    stopped clocks counted beside ("paused" comes first: a band's light is what is left), and
    the few groups are banded here by the lights' rule (``sla_band_of``): a ``CASE`` over the
    due dates in each read cost ~1 ms a request to build and compile (docs/performance.md,
    "The fifth round merged"), the groups a few microseconds to band. The statement is compiled
    once per shape (``_shape_key``) and read with the official's values."""
    band_of = sla_band_of(china_today()) if lights else None
    flags = ("tally", services, lights)
    if visibility.user_id is None:
        union = _tally_union(user, filters, visibility, services=services, lights=lights)
        found = list(union)
    else:
        found = rows_by_shape(
            _shape_key(flags, filters),
            lambda values: _tally_union(
                values["user"],
                _shaped_filters(filters, values),
                _shaped_visibility(values),
                services=services,
                lights=lights,
            ),
            _shape_values(visibility, filters),
        )
    tally = {"total": 0, "unclaimed": 0, "mine": 0, **dict.fromkeys(LIGHTS, 0)}
    codes = set()
    for mine, counted_, unclaimed, due_on, service, n, paused in found:
        if services and n > 0:
            codes.add(service)
        if mine:
            tally["mine"] += n
        if counted_:
            tally["total"] += n
            if unclaimed:
                tally["unclaimed"] += n
            tally["paused"] += paused
            band = band_of(due_on) if band_of else ""
            if band:  # no band: no due date (or one past the calendar), no light
                tally[band] += n - paused
    tally["others"] = tally["total"] - tally["unclaimed"] - tally["mine"]
    return tally, sorted(codes)


def _tally_union(
    user, filters: QueueFilters, visibility: policy.TaskBranches, *, services: bool, lights: bool
) -> QuerySet:
    """The counts' statement of ``_tally`` (``user``: the official or their id)."""
    due = F("due_on") if lights else Value(None, output_field=DateField())
    none_paused = Value(0)
    kept = _grouped(
        _pair_counts(visibility, filters),
        due,
        service="service_version__item__code" if services else None,
        mine=False,
        counted=True,
        unclaimed=Q(assigned=False),
        n=Sum("tasks"),
        paused=Coalesce(Sum("tasks", filter=LEDGER_PAUSED), 0) if lights else none_paused,
    )
    rows = ReviewTask.objects.filter(_filters_q(user, filters, state=False))
    # Without pairs, every claim is outside them; the stopped clocks of those only are looked up.
    outside = visibility.outside_pairs if visibility.pairs else Q(pk__isnull=False)
    claims = _grouped(
        rows.filter(assignee=user),
        due,
        service="application__service_version__item__code" if services else None,
        mine=True,
        counted=outside,
        unclaimed=False,
        n=Count("pk"),
        paused=Count(open_pause(), filter=outside) if lights else none_paused,
    )
    grants = _grouped(
        rows.filter(visibility.granted()),
        due,
        service="application__service_version__item__code" if services else None,
        mine=False,
        counted=True,
        unclaimed=Q(assignee__isnull=True),
        n=Count("pk"),
        paused=Count(open_pause()) if lights else none_paused,
    )
    return kept.union(claims, grants, all=True).values_list(*_TALLY_GROUPS, "n", "paused")


def _queue_total(
    user: User, filters: QueueFilters, visibility: policy.TaskBranches, tally: dict | None
) -> int:
    if filters.due_from or filters.due_to:
        return union_count(_queue_branches(user, filters, visibility), cap=FILTERED_COUNT_CAP)
    tally = tally if tally is not None else _tally(user, filters, visibility, lights=False)[0]
    if filters.state in STATES:
        return tally[filters.state]
    return tally["total"]


def queue_rows(
    user: User,
    filters: QueueFilters,
    *,
    visibility: policy.TaskBranches | None = None,
    tally: dict | None = None,
) -> BranchedRows:
    """The open tasks ``user`` may work, filtered, by due date (the queue page and the API), as a
    sequence that Django's and DRF's paginators slice: each slice reads one page. ``tally``: the
    counts already taken for these filters, if any."""
    visibility = visibility or policy.official_task_branches(user)
    count = lambda: _queue_total(user, filters, visibility, tally)  # noqa: E731
    if visibility.user_id is None:
        return BranchedRows(
            _queue_branches(user, filters, visibility),
            order=QUEUE_ORDER,
            rows=_queue_rows_shown(),
            count=count,
        )

    def build(values):
        shaped = _shaped_visibility(values)
        filtered = _shaped_filters(filters, values)
        return _queue_branches(values["user"], filtered, shaped), _queue_rows_shown()

    shape = ListShape(
        key=_shape_key(("rows",), filters),
        values=_shape_values(visibility, filters),
        build=build,
        page_size=QUEUE_PAGE_SIZE,
    )
    return BranchedRows(order=QUEUE_ORDER, count=count, shape=shape)


def _queue_rows_shown() -> QuerySet[ReviewTask]:
    return _QUEUE_ROWS.annotate(sla_light=sla_light_expression(china_today()))


# --- The queue's statements, compiled once per shape -------------------------------------------
# Two officials with as many (department, role) pairs, under the same filters on the same day,
# are read by the same SQL with other values: the user's id, the pairs' departments and roles,
# the service's code. Those are the shape's values (approvals/db/statement_shapes.py checks that
# each is a parameter); everything else that decides the SQL is in its key. At 1M, building and
# compiling the counts' union and the rows' union took ~4 ms of a ~10 ms queue
# (docs/performance.md, "The queue selector, sixth round").


def _shape_values(visibility: policy.TaskBranches, filters: QueueFilters) -> dict:
    values = {"user": visibility.user_id}
    for number, (department_id, role) in enumerate(visibility.pairs):
        values[f"department{number}"] = int(department_id)
        values[f"role{number}"] = str(role)  # a role's choice is a str (a shape's values are)
    if filters.service:
        values["service"] = filters.service
    return values


def _shaped_visibility(values) -> policy.TaskBranches:
    pairs = [
        (values[f"department{number}"], values[f"role{number}"])
        for number in range(sum(name.startswith("department") for name in values))
    ]
    return policy.task_branches_of(values["user"], pairs)


def _shaped_filters(filters: QueueFilters, values) -> QueueFilters:
    return replace(filters, service=values.get("service", ""))


def _shape_key(statement: tuple, filters: QueueFilters) -> tuple:
    """What decides a queue statement's SQL besides its values: the statement, the filters but
    the service's code (a value), the bands of due dates the lights are read by today (the
    calendar's, which a calendar change moves), and the database."""
    today = china_today()
    return (
        "queue",
        *statement,
        ReviewTask.objects.db,
        filters.state if filters.state in STATES else "",
        bool(filters.service),
        filters.due_from,
        filters.due_to,
        filters.light if filters.light in LIGHTS else "",
        tuple(working_calendar().sla_bands(today, settings.SLA_WARN_WORKING_DAYS)),
    )


def queue_summary(user: User, *, services: bool = True) -> QueueSummary:
    """The queue's counts and, with ``services``, the codes of its services (the page's filter)
    before its filters, in one statement (``_tally``)."""
    visibility = policy.official_task_branches(user)
    counts, services = _tally(user, QueueFilters(), visibility, services=services)
    return QueueSummary(visibility=visibility, counts=counts, services=services)


def department_queue(
    user: User,
    filters: QueueFilters | None = None,
    page: int = 1,
    *,
    summary: QueueSummary | None = None,
) -> Queue:
    """The open tasks ``user`` may work, sorted by due date, with counts per SLA light and per
    state (unclaimed, mine, others' — before the filters), filtered and paginated. ``summary``:
    ``queue_summary(user)`` when the caller has it already (the page's service filter);
    without it, the counts are taken without the services, which only the page's filter reads."""
    filters = filters or QueueFilters()
    summary = summary or queue_summary(user, services=False)
    visibility, counts = summary.visibility, summary.counts
    # Without a filter but the state, the counts before the filters are the list's counts too.
    unfiltered = not (filters.service or filters.light or filters.due_from or filters.due_to)
    rows = queue_rows(user, filters, visibility=visibility, tally=counts if unfiltered else None)
    paginator = Paginator(rows, QUEUE_PAGE_SIZE)
    page_obj = paginator.get_page(page)
    head_departments = set(visibility.head_departments)
    assignable: dict = {}
    if head_departments:
        members = (
            OfficialPosition.objects.filter(
                department_id__in=head_departments, is_active=True, user__is_active=True
            )
            .select_related("user")
            .only("department_id", "role", "user__email")  # what the drop-downs show
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
        .annotate(sla_light=sla_light_expression(china_today()))
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    return task


APPLICATION_HISTORY_LIMIT = 200


def application_history(application, *, tasks=None) -> list[AuditEvent]:
    """The audit events of the application and its tasks, newest first, at most
    ``APPLICATION_HISTORY_LIMIT`` (``tasks``: the application's tasks when the caller has read
    them already)."""
    if tasks is None:
        tasks = application.tasks.only("pk")
    task_ids = [str(task.pk) for task in tasks]
    return list(
        AuditEvent.objects.filter(
            Q(object_type="approvals.application", object_id=str(application.pk))
            | Q(object_type="approvals.reviewtask", object_id__in=task_ids)
        )
        # Who opened the case file is for supervisors (the admin's timeline), not the history.
        .exclude(action="application.viewed")
        .select_related("actor")
        .order_by("-sequence")[:APPLICATION_HISTORY_LIMIT]
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
    # From the few requests waiting, each checked for a task of the department (task_application
    # index), rather than every application the department ever handled.
    of_department = ReviewTask.objects.filter(
        application_id=OuterRef("application_id"), department_id__in=departments
    )
    return (
        DeadlineExtension.objects.filter(status="requested")
        .filter(Exists(of_department))
        .select_related("application__service_version", "requested_by")
        .order_by("created_at")
    )
