"""Statutory and promised deadlines of an application, clock pauses and extensions.

- Intake: 5 working days from receipt (Art. 32); no decision by then means deemed accepted.
- Decision: 20 working days from acceptance (Art. 42), 45 for joint handling by several
  departments (a workflow stage with more than one branch, Art. 26/42); the department head may
  extend by at most 10 (joint: 15) working days, telling the applicant why.
- Clock pauses (Art. 45: supplement, expert review, inspection, testing, hearing) do not count;
  the applicant is told in writing when one starts (with its expected length) and ends.
- The promised limit of the service version is tracked beside the statutory one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from accounts.models import OfficialPosition, OfficialRole, User
from approvals.domain.china_time import china_date, china_today
from approvals.domain.due_dates import DueDate
from approvals.domain.workflow_definition import DefinitionError, parse_definition
from approvals.domain.working_days import (
    DECISION_LIMIT,
    INTAKE_LIMIT,
    JOINT_DECISION_LIMIT,
    CalendarNotCovered,
    StatutoryLimit,
)
from approvals.models import (
    Application,
    ClockPause,
    DeadlineExtension,
    DeadlineSweepState,
    DocumentKind,
    ExtensionStatus,
    PauseKind,
    RectificationStatus,
    RectificationTask,
    ReviewTask,
    TaskStatus,
)
from approvals.models import working_calendar as calendar_cache
from approvals.models.working_calendar import working_calendar
from approvals.selectors import policy
from approvals.services.documents import document_issue
from approvals.services.notices import (
    notice_clock_paused,
    notice_clock_resumed,
    notice_extension_decided,
    notice_extension_requested,
    notice_time_limit_extended,
)
from approvals.services.notifications import notify, tell_applicant
from audit.chain import audit_chain_append, audit_record

_ = gettext_lazy
logger = logging.getLogger(__name__)


# --- Computing ----------------------------------------------------------------------------------
# A rectification task after a bad rating is due 15 working days after the rating's day.
RECTIFICATION_WORKING_DAYS = 15


def is_joint_handling(application: Application) -> bool:
    """Several departments handle it jointly: a stage of its workflow has more than one branch."""
    raw = application.service_version.workflow_definition or {}
    try:
        definition = parse_definition(raw)
    except DefinitionError:
        return any(len(stage.get("branches") or []) > 1 for stage in raw.get("stages") or [])
    return any(stage.is_parallel for stage in definition.stages)


def decision_limit(application: Application) -> StatutoryLimit:
    """The statutory decision limit the service guide publishes (Art. 30), defaulting to the Law's
    own (Art. 42: 20 working days; 45 for joint handling, Art. 26) where the guide gives none.
    A guide may publish another limit because a law or regulation sets one ("法律、法规另有规定的，
    依照其规定"); the extension the head may grant stays the Law's (+10, or +15 joint)."""
    default = JOINT_DECISION_LIMIT if is_joint_handling(application) else DECISION_LIMIT
    published = application.service_version.statutory_limit_days
    if not published or published == default.working_days:
        return default
    return StatutoryLimit(published, default.extension, default.article)


def _pauses(application: Application) -> list[tuple[dt.date, dt.date | None]]:
    return list(
        ClockPause.objects.filter(application=application).values_list("started_on", "ended_on")
    )


def clock_histories(application_ids) -> dict[int, tuple[list, int]]:
    """For each of ``application_ids``: its clock pauses (``(started_on, ended_on)``) and
    approved extension days, as ``deadlines_compute`` takes them; two reads for a batch."""
    histories = {pk: ([], 0) for pk in application_ids}
    for pk, started_on, ended_on in ClockPause.objects.filter(
        application_id__in=application_ids
    ).values_list("application_id", "started_on", "ended_on"):
        histories[pk][0].append((started_on, ended_on))
    for pk, total in (
        DeadlineExtension.objects.filter(
            application_id__in=application_ids, status=ExtensionStatus.APPROVED
        )
        .values("application_id")
        .annotate(total=Sum("working_days"))
        .values_list("application_id", "total")
    ):
        histories[pk] = (histories[pk][0], total or 0)
    return histories


def approved_extension_days(application: Application) -> int:
    total = DeadlineExtension.objects.filter(
        application=application, status=ExtensionStatus.APPROVED
    ).aggregate(total=Sum("working_days"))["total"]
    return total or 0


def _intake_due(application: Application, pauses) -> DueDate:
    calendar = working_calendar()
    # Only pauses before acceptance (the applicant preparing an intake supplement) count here.
    end = application.accepted_on
    intake_pauses = [(a, b) for a, b in pauses if end is None or a <= end]
    return calendar.due_date(
        application.received_on, INTAKE_LIMIT.working_days, pauses=intake_pauses
    )


def _decision_due(application: Application, pauses, extension_days: int | None = None) -> DueDate:
    if extension_days is None:
        extension_days = approved_extension_days(application)
    return working_calendar().due_date(
        application.accepted_on,
        decision_limit(application).working_days,
        pauses=pauses,
        extension=extension_days,
    )


def _promised_due(application: Application, pauses) -> DueDate:
    return working_calendar().due_date(
        application.accepted_on, application.service_version.promised_limit_days, pauses=pauses
    )


def date_or_unknown(compute: Callable[[], dt.date | None], what: str) -> dt.date | None:
    """``compute()``, or None when the date falls beyond the working-day calendar.

    Next year's holidays are published late in the year (Art. 82 counts working days, so no
    date can be guessed): until an administrator enters them, such a due date is unknown rather
    than wrong, the work goes on, and the date is filled in when the year is entered
    (``deadlines_fill_unknown``, run after every calendar change)."""
    try:
        return compute()
    except CalendarNotCovered as exc:
        logger.warning("%s is unknown until the calendar is extended: %s", what, exc)
        return None


PROVISIONAL_NOTE = _(
    "provisional: counted from the statutory holidays only, to be confirmed once the State "
    "Council publishes the make-up working days"
)


def rectification_due_on(opened_on: dt.date) -> dt.date | None:
    """15 working days after the rating's day; unknown (None) while the official calendar does
    not reach that far (a rectification task keeps no provisional date), filled in when the next
    year is entered (``deadlines_fill_unknown``)."""
    calendar = working_calendar()
    due = date_or_unknown(
        lambda: calendar.add_working_days(opened_on, RECTIFICATION_WORKING_DAYS),
        "the due date of a rectification task",
    )
    return None if calendar.is_provisional(due) else due


def due_text(due_on: dt.date | None, provisional: bool = False):
    """A due date as a message states it: the date (marked when provisional), or — while the
    calendar does not reach it — that it will be told (never a blank)."""
    if due_on is not None and provisional:
        # The brackets are the language's: full-width （） in Chinese, as the pages show them.
        return lazy(
            lambda: (
                str(_("%(date)s (%(note)s)"))
                % {"date": due_on.isoformat(), "note": PROVISIONAL_NOTE}
            ),
            str,
        )()
    if due_on is not None:
        return due_on.isoformat()
    return _("a date to be told once next year's official holiday schedule is published")


DUE_FIELDS = ("intake_due_on", "decision_due_on", "promised_due_on")
PROVISIONAL_FIELDS = {
    "intake_due_on": "intake_due_provisional",
    "decision_due_on": "decision_due_provisional",
    "promised_due_on": "promised_due_provisional",
}


def _compute_deadlines(application: Application, pauses, extension_days: int) -> None:
    """Set the due dates and whether each is provisional on ``application`` (not saved)."""
    calendar = working_calendar()
    what = f"a due date of application {application.pk}"
    application.intake_due_on = (
        date_or_unknown(lambda: _intake_due(application, pauses).date, what)
        if application.received_on
        else None
    )
    if application.accepted_on:
        application.decision_due_on = date_or_unknown(
            lambda: _decision_due(application, pauses, extension_days).date, what
        )
        application.promised_due_on = date_or_unknown(
            lambda: _promised_due(application, pauses).date, what
        )
    else:
        application.decision_due_on = application.promised_due_on = None
    for field, flag in PROVISIONAL_FIELDS.items():
        setattr(application, flag, calendar.is_provisional(getattr(application, field)))


# What the due dates are computed from, on the application's row: a transition that sets one
# of them recomputes them (``deadlines_compute``), as every clock service does.
DEADLINE_INPUTS = frozenset({"received_on", "accepted_on"})


def deadlines_compute(
    application: Application, *, clock_history: bool = True, clock=None
) -> list[str]:
    """The one place due dates are computed: intake_due_on, decision_due_on and promised_due_on
    (None while the clock is stopped by an open pause, before the period has started, or while
    the working-day calendar does not reach the date yet), and whether each is provisional, set
    on ``application`` (not saved); the names of the fields it sets, for the caller's save.

    Called by the lifecycle transition that sets what they count from (receipt, acceptance) and
    by the clock services (pause, resume, extension) through ``application_deadlines_refresh``.
    ``clock_history=False``: the application cannot have clock pauses nor extensions yet (a
    draft being submitted), so none are read. ``clock``: the application's (pauses, extension
    days) as ``clock_histories`` read them for a batch."""
    if clock_history and clock is not None:
        _compute_deadlines(application, *clock)
    elif clock_history:
        _compute_deadlines(application, _pauses(application), approved_extension_days(application))
    else:
        _compute_deadlines(application, [], 0)
    return [*DUE_FIELDS, *PROVISIONAL_FIELDS.values()]


def application_deadlines_refresh(*, application: Application) -> Application:
    """``deadlines_compute`` and save them (the clock services, the calendar's fill)."""
    application.save(update_fields=deadlines_compute(application))
    return application


def explain_application_deadline(
    application: Application, *, pauses=None, extension_days: int | None = None
) -> DueDate | None:
    """How the running deadline was computed: the decision's once accepted, else the intake's.
    ``pauses`` (``(started_on, ended_on)`` pairs) and ``extension_days``: the clock's facts when
    the page has read them already (its progress timeline), else they are read here."""
    if pauses is None:
        pauses = _pauses(application)
    if application.accepted_on:
        return _decision_due(application, pauses, extension_days)
    if application.received_on:
        return _intake_due(application, pauses)
    return None


def explain_promised_deadline(application: Application) -> DueDate | None:
    if not application.accepted_on:
        return None
    return _promised_due(application, _pauses(application))


def _stage_limit(application: Application, stage) -> int:
    if isinstance(stage, int):
        return stage
    if isinstance(stage, str):
        return (
            parse_definition(application.service_version.workflow_definition)
            .stage(stage)
            .limit_working_days
        )
    return stage.limit_working_days


def task_due_on(
    *,
    application: Application,
    stage,
    today: dt.date | None = None,
    pauses=(),
    what: str = "",
    memo: dict | None = None,
) -> dt.date | None:
    """The one place a review task's due date is computed: the stage's limit in working days
    from the day the task was created (``today``, not counted), the working days of the clock
    pauses closed since then not counting (Art. 45), never after the decision due date. Where
    the calendar does not reach that far yet: the decision due date if known, else None.

    ``stage`` is a workflow ``Stage``, a stage key, or a number of working days; ``pauses`` are
    the application's ``(started_on, ended_on)`` pairs (a pause still running is left out: the
    task's date is counted when it ends). Used when a task is created, when a pause ends, when
    the calendar comes to reach an unknown date and when a provisional date is recounted.
    ``memo``: a dict kept across the calls of one batch, so that the calendar counts each
    distinct (start, limit, pauses) once."""
    limit = _stage_limit(application, stage)
    start = today or china_today()
    closed = [(first, last) for first, last in pauses if last is not None and last >= start]
    key = (start, limit, tuple(closed))
    if memo is not None and key in memo:
        due = memo[key]
    else:
        due = date_or_unknown(
            lambda: working_calendar().due_date(start, limit, pauses=closed).date,
            what or f"the due date of a task of application {application.pk}",
        )
        if memo is not None:
            memo[key] = due
    decision_due = application.decision_due_on
    if due is None or (decision_due and decision_due < due):
        return decision_due
    return due


def is_provisional(due_on: dt.date | None) -> bool:
    """Whether a due date computed now ran past the official schedule."""
    return working_calendar().is_provisional(due_on)


# --- Who may act --------------------------------------------------------------------------------


def _task_departments(application: Application, *, open_only: bool) -> list[int]:
    tasks = ReviewTask.objects.filter(application=application)
    if open_only:
        tasks = tasks.filter(status=TaskStatus.OPEN)
    return list(tasks.values_list("department_id", flat=True).distinct())


def _official_on_case(user: User, application: Application) -> OfficialPosition | None:
    """An active position of ``user`` in a department with an open task on the application."""
    return (
        OfficialPosition.objects.filter(
            user=user,
            is_active=True,
            department_id__in=_task_departments(application, open_only=True),
        )
        .exclude(role=OfficialRole.SUPERVISOR)
        .first()
    )


def _require_clock_actor(actor, application: Application, action: str, *, applicant_ok=False):
    if actor is None:  # the system (the sweep, a timer)
        return
    if _official_on_case(actor, application) or policy.may_handle_intake(actor, application):
        return
    if applicant_ok and policy._is_applicant_side(actor, application):
        return
    policy.deny(actor, action, application)


def _head_position(user: User, application: Application) -> OfficialPosition | None:
    return OfficialPosition.objects.filter(
        user=user,
        is_active=True,
        role=OfficialRole.DEPARTMENT_HEAD,
        department_id__in=_task_departments(application, open_only=False),
    ).first()


# --- Telling people -----------------------------------------------------------------------------


def _recount_open_tasks(application: Application) -> None:
    """A pause has ended: each open task with a due date is counted again from its creation
    with the pauses closed since (``task_due_on``), as the calendar's fill and recount do."""
    calendar = working_calendar()
    tasks = list(
        ReviewTask.objects.filter(
            application=application, status=TaskStatus.OPEN, due_on__isnull=False
        )
    )
    pauses = _pauses(application)
    for task in tasks:
        task.application = application
        task.due_on = _task_due_from_creation(task, pauses)
        task.due_provisional = calendar.is_provisional(task.due_on)
    ReviewTask.objects.bulk_update(tasks, ["due_on", "due_provisional"])


def _task_due_from_creation(task: ReviewTask, pauses) -> dt.date | None:
    """A task's due date counted again from the day it was created (``task_due_on``)."""
    return task_due_on(
        application=task.application,
        stage=task.stage_key,
        today=china_date(task.created_at),
        pauses=pauses,
        what=f"the due date of task {task.pk}",
    )


def _record_filled(obj, changes: dict) -> None:
    """A due date the system computed once the calendar reached it (an audit event of its own)."""
    audit_record(action="deadline.filled", actor=None, obj=obj, changes=changes)


def _fill_unknown_task_dates(tasks) -> int:
    """Compute the unknown due dates of the open ``tasks`` whose application's clock runs (the
    partial index task_due_unknown finds them); how many were filled."""
    open_pause_of_task = ClockPause.objects.filter(
        application=OuterRef("application_id"), ended_on__isnull=True
    )
    unknown = (
        tasks.filter(status=TaskStatus.OPEN, due_on__isnull=True)
        .exclude(Exists(open_pause_of_task))
        .select_related("application__service_version")
    )
    filled = 0
    for task in unknown:
        task.due_on = _task_due_from_creation(task, _pauses(task.application))
        task.due_provisional = is_provisional(task.due_on)
        if task.due_on is not None:
            task.save(update_fields=["due_on", "due_provisional"])
            filled += 1
            _record_filled(task, {"due_on": [None, task.due_on]})
    return filled


# Other processes may keep using their cached calendar this long after a change
# (``CALENDAR_CACHE_SECONDS``), and a transaction begun with it may commit a little later still:
# the sweep keeps filling for this margin beyond that before it trusts that nothing is left.
FILL_MARGIN_SECONDS = 300


def deadlines_fill_after_calendar_change() -> dict[str, int]:
    """``deadlines_fill_unknown`` and ``deadlines_recompute_provisional`` for the periodic sweep,
    once per calendar change: a due date left unknown becomes computable, and a provisional one
    official, when the calendar's extent changes (a clock that restarts computes its own,
    ``clock_pause_end``). The calendar's last day the sweep filled against is remembered
    (``DeadlineSweepState``): the first run that meets a new one does the whole work. For the
    grace after it (``CALENDAR_CACHE_SECONDS`` + ``FILL_MARGIN_SECONDS``) other processes may
    still write dates with their older cached calendar; the runs inside it only look for what
    such a process can have left behind (a date still unknown, or one marked provisional that
    the calendar now covers: two index ranges), and after it a run reads one row and stops."""
    from django.conf import settings

    last_day = working_calendar().official_last_day
    now = timezone.now()
    grace = dt.timedelta(
        seconds=getattr(settings, "CALENDAR_CACHE_SECONDS", 60) + FILL_MARGIN_SECONDS
    )
    state = DeadlineSweepState.objects.filter(pk=1).first()
    same_calendar = state is not None and state.calendar_last_day == last_day
    if same_calendar and state.filled_at - state.calendar_seen_at >= grace:
        return {"applications": 0, "tasks": 0, "rectifications": 0, "recomputed": 0}
    filled = deadlines_fill_unknown()
    # Within the grace only a date computed with an older calendar can still need counting.
    filled.update(deadlines_recompute_provisional(covered_only=same_calendar))
    DeadlineSweepState.objects.update_or_create(
        pk=1,
        defaults={
            "calendar_last_day": last_day,
            "calendar_seen_at": state.calendar_seen_at if same_calendar else now,
            "filled_at": now,
        },
    )
    return filled


@transaction.atomic
def deadlines_fill_unknown(*, fresh_calendar: bool = False) -> dict[str, int]:
    """Compute the due dates left unknown because the calendar did not reach them (see
    ``date_or_unknown``), now that it may: applications (decided ones too, for the statistics),
    their open review tasks and open rectification tasks. Applications whose clock is stopped
    wait for it to restart. Each date filled in is an audit event of the system. Idempotent;
    run after every calendar change (``fresh_calendar``: read the tables, not this process's
    cached calendar, which may predate the change) and by the periodic sweep."""

    if fresh_calendar:
        calendar_cache.clear_cache()
    unknown = Q(accepted_on__isnull=False, decision_due_on__isnull=True) | Q(
        received_on__isnull=False, accepted_on__isnull=True, intake_due_on__isnull=True
    )
    open_pause = ClockPause.objects.filter(application=OuterRef("pk"), ended_on__isnull=True)
    applications = (
        Application.objects.filter(unknown)
        .exclude(Exists(open_pause))
        .select_related("service_version")
    )
    filled = {"applications": 0, "tasks": 0, "rectifications": 0}
    for application in applications:
        application_deadlines_refresh(application=application)
        if application.decision_due_on or (
            not application.accepted_on and application.intake_due_on
        ):
            filled["applications"] += 1
            _record_filled(
                application,
                {
                    field: [None, getattr(application, field)]
                    for field in ("intake_due_on", "decision_due_on", "promised_due_on")
                },
            )
    filled["tasks"] = _fill_unknown_task_dates(ReviewTask.objects.all())
    open_tasks = RectificationTask.objects.filter(status=RectificationStatus.OPEN, due_on=None)
    for rectification in open_tasks:
        rectification.due_on = rectification_due_on(china_date(rectification.created_at))
        if rectification.due_on is not None:
            rectification.save(update_fields=["due_on"])
            filled["rectifications"] += 1
            _record_filled(rectification, {"due_on": [None, rectification.due_on]})
    return filled


# Applications (or tasks) recomputed per batch: a few queries per batch, not per row.
RECOMPUTE_BATCH = 500


def _record_recomputed(obj, changes: dict) -> None:
    """A provisional due date counted again with the official schedule (an event of the system)."""
    audit_record(action="deadline.recomputed", actor=None, obj=obj, changes=changes)


def _pauses_of(application_ids) -> dict[int, list]:
    pauses: dict[int, list] = {pk: [] for pk in application_ids}
    rows = ClockPause.objects.filter(application_id__in=application_ids).values_list(
        "application_id", "started_on", "ended_on"
    )
    for application_id, first, last in rows:
        pauses[application_id].append((first, last))
    return pauses


def _extensions_of(application_ids) -> dict[int, int]:
    rows = (
        DeadlineExtension.objects.filter(
            application_id__in=application_ids, status=ExtensionStatus.APPROVED
        )
        .values("application_id")
        .annotate(total=Sum("working_days"))
        .values_list("application_id", "total")
    )
    return dict(rows)


@transaction.atomic
def deadlines_recompute_provisional(
    *, fresh_calendar: bool = False, covered_only: bool = False
) -> dict[str, int]:
    """Count every provisional due date again (applications, then their open review tasks) with
    the calendar as it is now, once an official schedule has been entered: in batches of
    ``RECOMPUTE_BATCH`` (the partial indexes application_due_provisional and
    task_due_provisional find them), each changed date an audit event ``deadline.recomputed``
    with its before and after. Idempotent: a date still past the official schedule stays
    provisional, and an unchanged one records nothing.

    ``covered_only``: only the dates marked provisional that the official schedule now covers
    (written by a process that still held an older calendar); a date past the schedule's end
    counted again with the same calendar comes out the same."""

    if fresh_calendar:
        calendar_cache.clear_cache()
    counts = {"recomputed": 0}
    official_end = working_calendar().official_last_day if covered_only else None

    def marked(flag: str, field: str) -> Q:
        if official_end is None:
            return Q(**{flag: True})
        return Q(**{flag: True, f"{field}__lte": official_end})

    provisional = (
        marked("intake_due_provisional", "intake_due_on")
        | marked("decision_due_provisional", "decision_due_on")
        | marked("promised_due_provisional", "promised_due_on")
    )
    flags = list(PROVISIONAL_FIELDS.values())
    with audit_chain_append():
        ids = list(Application.objects.filter(provisional).values_list("pk", flat=True))
        for start in range(0, len(ids), RECOMPUTE_BATCH):
            batch = list(
                Application.objects.filter(pk__in=ids[start : start + RECOMPUTE_BATCH])
                .select_for_update()
                .select_related("service_version")
            )
            pauses = _pauses_of([a.pk for a in batch])
            extensions = _extensions_of([a.pk for a in batch])
            changed = []
            for application in batch:
                before = {f: getattr(application, f) for f in (*DUE_FIELDS, *flags)}
                _compute_deadlines(
                    application, pauses[application.pk], extensions.get(application.pk, 0)
                )
                after = {f: getattr(application, f) for f in (*DUE_FIELDS, *flags)}
                if before == after:
                    continue
                changed.append(application)
                _record_recomputed(
                    application,
                    {f: [before[f], after[f]] for f in before if before[f] != after[f]},
                )
            Application.objects.bulk_update(changed, [*DUE_FIELDS, *flags])
            counts["recomputed"] += len(changed)
        task_ids = list(
            ReviewTask.objects.filter(
                marked("due_provisional", "due_on"), status=TaskStatus.OPEN
            ).values_list("pk", flat=True)
        )
        calendar = working_calendar()
        for start in range(0, len(task_ids), RECOMPUTE_BATCH):
            tasks = list(
                ReviewTask.objects.filter(pk__in=task_ids[start : start + RECOMPUTE_BATCH])
                .select_for_update()
                .select_related("application__service_version")
            )
            pauses = _pauses_of({task.application_id for task in tasks})
            changed = []
            for task in tasks:
                before = (task.due_on, task.due_provisional)
                if not any(last is None for _first, last in pauses[task.application_id]):
                    task.due_on = _task_due_from_creation(task, pauses[task.application_id])
                task.due_provisional = calendar.is_provisional(task.due_on)
                if (task.due_on, task.due_provisional) == before:
                    continue
                changed.append(task)
                _record_recomputed(
                    task,
                    {
                        "due_on": [before[0], task.due_on],
                        "due_provisional": [before[1], task.due_provisional],
                    },
                )
            ReviewTask.objects.bulk_update(changed, ["due_on", "due_provisional"])
            counts["recomputed"] += len(changed)
    return counts


# --- Clock pauses -------------------------------------------------------------------------------


def pause_changes(pause: ClockPause) -> dict:
    """What an audit event says about a pause that started or ended."""
    if pause.ended_on is not None:
        return {"pause": [pause.pk, pause.pk], "ended_on": [None, pause.ended_on]}
    return {
        "pause": [None, pause.pk],
        "kind": [None, pause.kind],
        "started_on": [None, pause.started_on],
        "expected_working_days": [None, pause.expected_working_days],
    }


@transaction.atomic
def clock_pause_start(
    *,
    actor: User | None,
    application: Application,
    kind: str,
    reason: str,
    expected_working_days: int | None = None,
    recorded_by_caller: bool = False,
    tell: bool = True,
) -> ClockPause:
    """Stop the clock from today (Art. 45) and tell the applicant why and for how long.

    ``recorded_by_caller``: the act that pauses the clock (a supplement notice, a reviewer's
    pause) writes the one audit event of the act, with ``pause_changes(pause)`` in it.
    ``tell=False``: the caller tells the applicant once for several (a one-thing case's notice)."""
    _require_clock_actor(actor, application, "clock.pause")
    reason = (reason or "").strip()
    errors = {}
    if kind not in PauseKind.values:
        errors["kind"] = [_("Choose what the clock is paused for.")]
    if not reason:
        errors["reason"] = [_("Say why the clock is paused; the applicant is told.")]
    if expected_working_days is not None and expected_working_days < 1:
        errors["expected_working_days"] = [_("Give at least one working day.")]
    if errors:
        raise ValidationError(errors)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if ClockPause.objects.filter(application=locked, kind=kind, ended_on__isnull=True).exists():
        raise ValidationError(_("The clock is already paused for this reason."))
    pause = ClockPause.objects.create(
        application=locked,
        kind=kind,
        reason=reason,
        started_on=china_today(),
        expected_working_days=expected_working_days,
        created_by=actor,
    )
    if not recorded_by_caller:
        audit_record(
            action="clock.pause_started",
            actor=actor,
            obj=locked,
            reason=reason,
            changes=pause_changes(pause),
        )
    application_deadlines_refresh(application=locked)
    if tell:
        tell_applicant(locked, **notice_clock_paused(locked, pause=pause).fields())
    application.refresh_from_db()
    return pause


@transaction.atomic
def clock_pause_end(
    *,
    actor: User | None,
    application: Application,
    kind: str | None = None,
    recorded_by_caller: bool = False,
    tell: bool = True,
) -> ClockPause | None:
    """Restart the clock (the pause's last day is today) and tell the applicant the new due date.
    Returns None when no pause was running. ``recorded_by_caller``, ``tell``: as for
    ``clock_pause_start``."""
    _require_clock_actor(
        actor, application, "clock.resume", applicant_ok=kind == PauseKind.SUPPLEMENT
    )
    locked = Application.objects.select_for_update().get(pk=application.pk)
    running = ClockPause.objects.select_for_update().filter(
        application=locked, ended_on__isnull=True
    )
    if kind is not None:
        running = running.filter(kind=kind)
    pause = running.order_by("started_on", "pk").first()
    if pause is None:
        return None
    pause.ended_on = max(china_today(), pause.started_on)
    pause.save(update_fields=["ended_on"])
    # The application's dates first: a task's date is never after the decision's.
    application_deadlines_refresh(application=locked)
    _recount_open_tasks(locked)
    # Task dates left unknown while the clock was stopped: computable now if the calendar reaches
    # them (the sweep only retries them when the calendar changes).
    _fill_unknown_task_dates(ReviewTask.objects.filter(application=locked))
    if not recorded_by_caller:
        audit_record(
            action="clock.pause_ended",
            actor=actor,
            obj=locked,
            changes={**pause_changes(pause), "decision_due_on": [None, locked.decision_due_on]},
        )
    due = (
        due_text(locked.decision_due_on, locked.decision_due_provisional)
        if locked.decision_due_on
        else due_text(locked.intake_due_on, locked.intake_due_provisional)
    )
    if tell:
        tell_applicant(locked, **notice_clock_resumed(locked, pause=pause, due=due).fields())
    application.refresh_from_db()
    return pause


# --- Extensions ---------------------------------------------------------------------------------


def _extension_room(application: Application) -> int:
    return decision_limit(application).extension - approved_extension_days(application)


@transaction.atomic
def extension_request(
    *,
    actor: User,
    application: Application,
    working_days: int,
    reason: str,
    recorded_by_caller: bool = False,
) -> DeadlineExtension:
    """An official on the case asks the head to extend the statutory limit (Art. 42).
    ``recorded_by_caller``: the reviewer's act on their task writes the one event."""
    if _official_on_case(actor, application) is None:
        policy.deny(actor, "extension.request", application)
    reason = (reason or "").strip()
    errors = {}
    room = _extension_room(application)
    if not reason:
        errors["reason"] = [_("Say why more time is needed; the applicant is told.")]
    if not isinstance(working_days, int) or working_days < 1 or working_days > room:
        errors["working_days"] = [
            _("An extension is between 1 and %(max)s working days.") % {"max": max(room, 0)}
        ]
    if errors:
        raise ValidationError(errors)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if DeadlineExtension.objects.filter(
        application=locked, status=ExtensionStatus.REQUESTED
    ).exists():
        raise ValidationError(_("An extension request is already waiting for the head."))
    extension = DeadlineExtension.objects.create(
        application=locked, working_days=working_days, reason=reason, requested_by=actor
    )
    if not recorded_by_caller:
        audit_record(
            action="extension.requested",
            actor=actor,
            obj=extension,
            reason=reason,
            changes={"application": [None, locked.pk], "working_days": [None, working_days]},
        )
    heads = OfficialPosition.objects.filter(
        role=OfficialRole.DEPARTMENT_HEAD,
        is_active=True,
        user__is_active=True,
        department_id__in=_task_departments(locked, open_only=False),
    ).select_related("user")
    notice = notice_extension_requested(locked, extension=extension)
    for user in {position.user_id: position.user for position in heads}.values():
        notify(user=user, application=locked, **notice.fields())
    return extension


def _issue_extension_notice(*, actor, application: Application, extension) -> None:
    """Art. 42: the applicant is told in writing of the extension and why."""

    document_issue(
        application=application,
        kind=DocumentKind.EXTENSION_NOTICE,
        source_key=str(extension.pk),
        actor=actor,
        extra={
            "working_days": extension.working_days,
            "reason": extension.reason,
            "new_due_on": application.decision_due_on,
        },
    )


@transaction.atomic
def extension_decide(
    *, actor: User, extension: DeadlineExtension, approve: bool
) -> DeadlineExtension:
    """The head of a department on the case approves or refuses; on approval the decision due
    date moves and the applicant is told why."""
    locked = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    application = Application.objects.select_for_update().get(pk=locked.application_id)
    if _head_position(actor, application) is None:
        policy.deny(actor, "extension.decide", locked)
    if locked.status != ExtensionStatus.REQUESTED:
        raise ValidationError(_("This extension has already been decided."))
    if approve and locked.working_days > _extension_room(application):
        raise ValidationError(
            _("That would extend the limit beyond what the law allows (Art. 42).")
        )
    before = locked.status
    locked.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    old_due = application.decision_due_on
    if approve:
        application_deadlines_refresh(application=application)
        _issue_extension_notice(actor=actor, application=application, extension=locked)
    audit_record(
        action="extension.approved" if approve else "extension.refused",
        actor=actor,
        obj=locked,
        reason=locked.reason,
        changes={
            "status": [before, locked.status],
            "decision_due_on": [old_due, application.decision_due_on],
        },
    )
    due = due_text(application.decision_due_on, application.decision_due_provisional)
    if approve:
        tell_applicant(
            application,
            **notice_time_limit_extended(application, extension=locked, due=due).fields(),
        )
    notify(
        user=locked.requested_by,
        application=application,
        **notice_extension_decided(
            application, extension=locked, approved=approve, due=due
        ).fields(),
    )
    return locked
