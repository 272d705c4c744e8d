"""The progress timeline's read: the facts of one application, in a fixed number of queries,
arranged by ``approvals.domain.timeline.arrange``.

The caller has already fetched the application through its access check (the applicant's
``get_application_for_applicant``, the public ``find_application_by_tracking``, the official's
task or intake access); this selector reads only that application's rows. It reads no names of
officials: the timeline names departments only, so the same result is safe on the public page.
"""

from __future__ import annotations

from dataclasses import replace

from django.db import connections
from django.db.models import BooleanField, Exists, OuterRef, Q, Subquery, prefetch_related_objects
from django.db.models.expressions import RawSQL

from accounts.models import Department
from approvals.domain.china_time import china_date
from approvals.domain.timeline import (
    ApplicationFacts,
    ExtensionFact,
    PauseFact,
    PledgeFact,
    StatusChange,
    SupplementFact,
    TaskFact,
    Timeline,
    arrange,
)
from approvals.domain.workflow_definition import DefinitionError, parse_definition
from approvals.models import (
    Application,
    ApplicationStatus,
    ClockPause,
    DeadlineExtension,
    ExtensionStatus,
    Material,
    Pledge,
    ReviewTask,
    ServiceItem,
    SupplementRequest,
)
from approvals.selectors.supervision import localized_name
from approvals.selectors.tasks import APPLICATION_HISTORY_LIMIT
from audit.models import AuditEvent


def _day(moment):
    return china_date(moment) if moment is not None else None


def _definition(application: Application):
    try:
        return parse_definition(application.service_version.workflow_definition)
    except DefinitionError:
        return None


def status_change_events(application: Application):
    """The application's audit events that record a status (``audit_object`` index), in order.
    The others, above all every opening of its case file by an official (``application.viewed``
    from the task, window and admin timeline pages: 304 of the 307 events of the application
    the benchmark opens at 1M), stay in the database rather than being read and decoded to be
    dropped (docs/performance.md, "Old and new code on one database")."""
    return AuditEvent.objects.filter(
        object_type="approvals.application",
        object_id=str(application.pk),
        changes__has_key="status",
    ).order_by("sequence")


def _status_history(application: Application, events=None) -> tuple[StatusChange, ...]:
    """Every status change of the application, from its audit events (``audit_object`` index):
    the lifecycle service records each as ``status: [before, after]``. ``events``: the page's
    history (``application_history``), used when it holds all of them (shorter than its limit;
    the case-file openings it leaves out change no status)."""
    if events is not None and len(events) < APPLICATION_HISTORY_LIMIT:
        object_id = str(application.pk)
        rows = [
            (event.occurred_at, event.changes)
            for event in sorted(events, key=lambda event: event.sequence)
            if event.object_type == "approvals.application" and event.object_id == object_id
        ]
    else:
        rows = status_change_events(application).values_list("occurred_at", "changes")
    history = []
    for occurred_at, changes in rows:
        status = (changes or {}).get("status")
        if isinstance(status, list) and len(status) == 2 and status[0] != status[1]:
            history.append(StatusChange(on=_day(occurred_at), status=str(status[1])))
    return tuple(history)


# The facts many applications have none of. A page may read whether there are any with the
# application itself (``with_timeline_presence``: one EXISTS each, by the application's index
# on each table); the timeline then reads no table it knows to be empty for it. Each fact: its
# model and the column values its rows must have.
_PRESENCE = {
    "tasks": (ReviewTask, {}),
    "pauses": (ClockPause, {}),
    "supplement_requests": (SupplementRequest, {}),
    "extensions": (DeadlineExtension, {"status": ExtensionStatus.APPROVED}),
    "pledges": (Pledge, {}),
}


def _presence_sql(applications, model, equal: dict) -> RawSQL:
    """``EXISTS`` a row of ``model`` for the application, with ``equal``'s column values: written
    from the models' own table and column names rather than built as a query (``Exists``), whose
    building and compiling cost the application's page about 1 ms of CPU for the five facts
    (issue 17); the same plan (the foreign key's index)."""
    quote = connections[applications.db].ops.quote_name
    table = quote(model._meta.db_table)
    outer = f"{quote(Application._meta.db_table)}.{quote(Application._meta.pk.column)}"
    conditions = [f"{table}.{quote(model._meta.get_field('application').column)} = {outer}"]
    conditions += [f"{table}.{quote(model._meta.get_field(name).column)} = %s" for name in equal]
    # Table and column names from the models; the values as parameters.
    sql = f"EXISTS (SELECT 1 FROM {table} WHERE {' AND '.join(conditions)})"  # noqa: S608
    return RawSQL(sql, list(equal.values()), output_field=BooleanField())  # noqa: S611


def with_timeline_presence(applications):
    """``applications`` (a queryset of ``Application``) with whether each has the timeline's
    facts (for ``application_progress``)."""
    return applications.annotate(
        **{
            f"timeline_has_{fact}": _presence_sql(applications, model, equal)
            for fact, (model, equal) in _PRESENCE.items()
        }
    )


def _may_have(application: Application, fact: str) -> bool:
    """False only when the application was read with ``with_timeline_presence`` and has none."""
    return getattr(application, f"timeline_has_{fact}", True)


def _kept_rows(application: Application, relation: str) -> list:
    """The application's rows of ``relation``, kept with it (a prefetch) for whatever else the
    page shows of them; none read when it is known to have none."""
    if not _may_have(application, relation):
        return []
    prefetch_related_objects([application], relation)
    return list(getattr(application, relation).all())


def application_progress(application: Application, *, tasks=None, history=None) -> Timeline | None:
    """The timeline of a submitted application; None for a draft. Seven queries whatever the
    number of tasks, pauses and events (the service version is read with the application when
    the caller did not select it); six when the caller passes the application's ``tasks`` it
    has read already (with their departments), five when it passes its ``history`` too. The
    pauses and supplement notices are kept with the application (prefetched), for whatever else
    the page shows of them. The timeline carries the clock's facts it read (``clock_pauses``,
    ``extension_days``) for the page's deadline explanation."""
    if application.status == ApplicationStatus.DRAFT or application.received_on is None:
        return None
    version = application.service_version
    definition = _definition(application)
    codes = {b.department for s in (definition.stages if definition else ()) for b in s.branches}
    # The workflow's departments and the one that runs the service's intake, in one read.
    runs_intake = ServiceItem.objects.filter(pk=version.item_id, department=OuterRef("pk"))
    rows = list(
        Department.objects.filter(Q(code__in=codes) | Q(Exists(runs_intake))).annotate(
            runs_intake=Exists(runs_intake)
        )
    )
    departments = {d.code: d.name for d in rows if d.code in codes}
    intake_department = next((d for d in rows if d.runs_intake), None)
    if tasks is None:
        tasks = (
            ReviewTask.objects.filter(application=application).select_related("department")
            if _may_have(application, "tasks")
            else []
        )
    tasks = [
        TaskFact(
            stage_key=task.stage_key,
            department=task.department.name,
            status=task.status,
            round=task.round,
            created_on=_day(task.created_at),
            completed_on=_day(task.completed_at),
            due_on=task.due_on,
            due_provisional=task.due_provisional,
            return_to=task.return_to,
        )
        for task in sorted(tasks, key=lambda task: task.pk)
    ]
    pause_rows = _kept_rows(application, "pauses")  # by start (ClockPause's ordering)
    pauses = [
        PauseFact(
            kind=pause.kind,
            started_on=pause.started_on,
            ended_on=pause.ended_on,
            expected_working_days=pause.expected_working_days,
            reason=pause.reason,
        )
        for pause in pause_rows
    ]
    approved = (
        list(
            DeadlineExtension.objects.filter(
                application=application, status=ExtensionStatus.APPROVED
            ).order_by("decided_at", "pk")
        )
        if _may_have(application, "extensions")
        else []
    )
    extensions = [
        ExtensionFact(working_days=e.working_days, decided_on=_day(e.decided_at), reason=e.reason)
        for e in approved
        if e.decided_at is not None
    ]
    supplements = [
        SupplementFact(
            requested_on=_day(s.created_at),
            reply_by=s.reply_by,
            answered_on=_day(s.answered_at),
            during_review=s.during_review,
        )
        for s in sorted(_kept_rows(application, "supplement_requests"), key=lambda s: s.pk)
    ]
    # Each pledge with its material's names, read with it.
    material = Material.objects.filter(version_id=version.pk, key=OuterRef("material_key"))
    pledges = [
        PledgeFact(
            material=localized_name(p.material_zh or "", p.material_en or "") or p.material_key,
            due_on=p.due_on,
            fulfilled_on=_day(p.fulfilled_at),
            lapsed_on=_day(p.lapsed_at),
        )
        for p in (
            Pledge.objects.filter(application=application)
            .annotate(
                material_zh=Subquery(material.values("name_zh")[:1]),
                material_en=Subquery(material.values("name_en")[:1]),
            )
            .order_by("pk")
            if _may_have(application, "pledges")
            else []
        )
    ]
    facts = ApplicationFacts(
        status=application.status,
        received_on=application.received_on,
        accepted_on=application.accepted_on,
        deemed_accepted=application.deemed_accepted,
        decided_on=application.decided_on,
        intake_due_on=application.intake_due_on,
        intake_due_provisional=application.intake_due_provisional,
        decision_due_on=application.decision_due_on,
        decision_due_provisional=application.decision_due_provisional,
        promised_due_on=application.promised_due_on,
        promised_due_provisional=application.promised_due_provisional,
        current_stage_key=application.current_stage_key,
        intake_department=intake_department.name if intake_department else "",
        history=_status_history(application, history),
    )
    timeline = arrange(
        definition,
        facts,
        tasks=tasks,
        pauses=pauses,
        extensions=extensions,
        supplements=supplements,
        pledges=pledges,
        departments=departments,
    )
    return replace(
        timeline,
        clock_pauses=tuple((pause.started_on, pause.ended_on) for pause in pause_rows),
        extension_days=sum(e.working_days for e in approved),
    )
