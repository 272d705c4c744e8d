"""The periodic deadline sweep (Celery beat every minute; ``manage.py sweep_deadlines``).

Set-based and idempotent: each part selects only the rows that still need something (through the
partial indexes) and changes them in bulk, so a second run on the same day does nothing new, and
the number of queries does not grow with the number of applications (lapsed pledges excepted:
each is one audited transition of its own; deemed acceptances go through the acceptance cascade
a batch of ``DEEM_BATCH`` at a time, in a fixed number of statements a batch). A run with nothing
new reads a few
empty index ranges and one row of ``DeadlineSweepState``.

(a) deemed acceptance (Art. 32): still at intake after the 5 working days → accepted from the day
    of receipt; the workflow starts; applicant and window told.
(b) SLA lights of open review tasks are not written: a light is derived where it is read, by the
    one rule (``WorkingCalendar.sla_bands``, in SQL ``approvals.models.working_calendar``
    ``sla_light_bands``): red when overdue, yellow with ``SLA_WARN_WORKING_DAYS`` or fewer
    working days left, green otherwise, "paused" while the application's clock is stopped (no
    card). A task whose due date enters the yellow band overnight is yellow in the queue, its
    counts and supervision the next morning, sweep or no sweep.
(c) one yellow and one red supervision card per task in that band of due dates (or per
    application waiting at the window, or per pledge whose verification after the licence
    (事后核查, 告知承诺制) is near or past its own limit), told to the department's heads and
    the officials who work the tasks (or verify the pledges), one message per department and
    colour.
(d) pledges (容缺) not fulfilled by their date lapse; the window and the applicant are told, and a
    matter still under review is reopened: a supplement notice for the pledged material, the clock
    paused (the review tasks stay open and resume when the applicant answers).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import OfficialPosition, OfficialRole
from approvals.domain.china_time import china_today
from approvals.domain.working_days import CalendarNotCovered, SlaLight
from approvals.models import (
    Application,
    ApplicationStatus,
    CardColour,
    ClockPause,
    Commitment,
    CommitmentStatus,
    DeadlineSweepState,
    PauseKind,
    Pledge,
    ReviewTask,
    SupervisionCard,
    SupplementRequest,
    TaskStatus,
)
from approvals.models.working_calendar import (
    sla_light_conditions,
    sla_yellow_until,
    working_calendar,
)
from approvals.selectors.applications import window_departments, window_intake_clerks
from approvals.selectors.policy import LICENCE_MANAGER_ROLES
from approvals.services.acceptance import Acceptance, Accepting, applications_accept
from approvals.services.deadlines import (
    clock_pause_start,
    deadlines_fill_after_calendar_change,
    pause_changes,
)
from approvals.services.documents import supplement_notice_issue
from approvals.services.lifecycle import application_transition
from approvals.services.notices import (
    notice_application_deemed_accepted,
    notice_cards_raised,
    notice_commitment_cards_raised,
    notice_pledge_lapsed,
    notice_window_deemed_accepted,
    notice_window_pledge_lapsed,
)
from approvals.services.notifications import applicant_users, notify, notify_many
from approvals.services.theme_intake import (
    theme_case_deem_accepted,
    theme_cases_due_for_deemed_acceptance,
)
from approvals.services.theme_progress import theme_case_progress, theme_cases_with_lost_progress
from audit.chain import audit_chain_append, audit_record

logger = logging.getLogger("portal.sweep")


@dataclass
class SweepReport:
    today: dt.date
    deemed_accepted: list[int] = field(default_factory=list)
    deemed_theme_cases: list[int] = field(default_factory=list)
    theme_progress_caught_up: list[int] = field(default_factory=list)
    cards: dict[str, int] = field(default_factory=lambda: {"yellow": 0, "red": 0})
    lapsed_pledges: list[int] = field(default_factory=list)
    due_dates_filled: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.deemed_accepted
            or self.deemed_theme_cases
            or self.theme_progress_caught_up
            or any(self.cards.values())
            or self.lapsed_pledges
            or self.due_dates_filled
        )


def warn_working_days() -> int:
    return int(getattr(settings, "SLA_WARN_WORKING_DAYS", 3))


def sweep_deadlines(*, today: dt.date | None = None) -> SweepReport:
    today = today or china_today()
    report = SweepReport(today=today)
    calendar = working_calendar()
    # The last day that is still yellow (the rule's band); to the calendar's end while next
    # year's schedule is not in it.
    yellow_until = sla_yellow_until(today)
    if SlaLight.GREEN not in {
        band.light for band in calendar.sla_bands(today, warn_working_days())
    }:
        logger.error("the working-day calendar ends on %s: add next year", calendar.last_day)
    # Due dates left unknown at the calendar's end, once the calendar reaches them: retried only
    # after its extent changed (one row read otherwise).
    report.due_dates_filled = sum(deadlines_fill_after_calendar_change().values())
    with transaction.atomic():
        _intake_cards(report, today, yellow_until)
    _deem_due_applications(report, today)
    _catch_up_theme_progress(report)
    with transaction.atomic():
        first_of_the_day, seen_task = _card_check_of(today)
        _task_cards(
            report,
            today,
            every_late_task=first_of_the_day or bool(report.due_dates_filled),
            after_task=seen_task,
        )
        if first_of_the_day:  # a verification's light changes only with the day
            _commitment_cards(report, today, yellow_until)
        _lapse_pledges(report, today)
    return report


# --- (a) deemed acceptance ----------------------------------------------------------------------


def _due_for_deemed_acceptance(today: dt.date) -> list[int]:
    # The partial index application_intake_due (status = submitted) answers this.
    # The members of a one-thing case are deemed accepted as their case (below), not one by one.
    return list(
        Application.objects.filter(
            status=ApplicationStatus.SUBMITTED, intake_due_on__lt=today, theme_case__isnull=True
        ).values_list("pk", flat=True)
    )


# Deemed acceptances per transaction in a catch-up (after an outage, thousands may be due at
# once): the batch is accepted set-based (``applications_accept``: a fixed number of statements,
# one append to the audit chain, one commit), one by one in savepoints only if that fails. Small
# enough that the batch's rows are not locked for long (about a second); rows an official holds
# are skipped and taken by the next run.
DEEM_BATCH = 50


def _deem_due_applications(report: SweepReport, today: dt.date) -> None:
    due = _due_for_deemed_acceptance(today)
    clerks_of_version: dict[int, list] = {}  # read once a run for each service's window
    for start in range(0, len(due), DEEM_BATCH):
        batch = due[start : start + DEEM_BATCH]
        try:
            report.deemed_accepted.extend(_deem_accepted_batch(batch, today, clerks_of_version))
        except Exception:  # one bad batch must not stop the rest of the sweep
            logger.exception("deemed acceptance of applications %s failed", batch)
    for case_id in theme_cases_due_for_deemed_acceptance(today):
        try:
            if theme_case_deem_accepted(case_id=case_id, today=today):
                report.deemed_theme_cases.append(case_id)
        except Exception:  # one bad case must not stop the rest of the sweep
            logger.exception("deemed acceptance of one-thing case %s failed", case_id)


def _catch_up_theme_progress(report: SweepReport) -> None:
    """一件事: run again the progress of the cases whose task after a decision was lost (a broker
    outage), so that a member waiting for another starts, or stops, all the same."""
    for case_id in theme_cases_with_lost_progress(timezone.now()):
        try:
            theme_case_progress(case_id=case_id)
        except Exception:  # one bad case must not stop the rest of the sweep
            logger.exception("the progress of one-thing case %s failed", case_id)
        else:
            report.theme_progress_caught_up.append(case_id)


@transaction.atomic
def _deem_accepted_batch(
    batch: list[int], today: dt.date, clerks_of_version: dict[int, list] | None = None
) -> list[int]:
    """Deem the applications of ``batch`` still due accepted, in one transaction; their ids.

    Set-based: the whole batch goes through the acceptance cascade at once
    (``applications_accept``), its audit events appended to the chain in one go. Should that
    fail, the batch is taken again one by one, each in a savepoint, so that one bad row does not
    stop the rest."""
    locked = list(
        Application.objects.select_for_update(of=("self",), skip_locked=True)
        # decided meanwhile: no longer due
        .filter(pk__in=batch, status=ApplicationStatus.SUBMITTED, intake_due_on__lt=today)
        .select_related("service_version__item__department", "created_by", "person__user")
        .order_by("pk")
    )
    clerks_of_version = {} if clerks_of_version is None else clerks_of_version
    with audit_chain_append() as chain:
        mark = chain.mark()
        try:
            with transaction.atomic():  # a savepoint: on failure, the batch one by one
                applications_accept(
                    actor=None,
                    accepting=[
                        _deemed_acceptance(application, clerks_of_version) for application in locked
                    ],
                )
        except Exception:
            chain.rollback_to(mark)
            logger.exception("deemed acceptance of applications %s as a batch failed", batch)
        else:
            return [application.pk for application in locked]
        deemed = []
        for application in locked:
            mark = chain.mark()
            try:
                with transaction.atomic():  # a savepoint: one bad row must not stop the rest
                    applications_accept(
                        actor=None, accepting=[_deemed_acceptance(application, clerks_of_version)]
                    )
            except Exception:
                chain.rollback_to(mark)
                logger.exception("deemed acceptance of application %s failed", application.pk)
            else:
                deemed.append(application.pk)
    return deemed


def _deemed_acceptance(application: Application, clerks_of_version: dict[int, list]) -> Accepting:
    """How ``application`` (locked, still at intake past its due date) is deemed accepted: from
    the day of receipt (Art. 32), the applicant and the window's clerks told."""
    received = application.received_on
    version = application.service_version
    if version.pk not in clerks_of_version:
        clerks_of_version[version.pk] = window_intake_clerks(version)
    return Accepting(
        application=application,
        acceptance=Acceptance(
            action="deem_accepted",
            event="application.deemed_accepted",
            accepted_on=received,
            reason=(
                f"No intake decision within 5 working days of receipt (due "
                f"{application.intake_due_on}): deemed accepted from the day of receipt, "
                f"{received} (Art. 32)."
            ),
            fields={"deemed_accepted": True},
            changes={"deemed_accepted": [False, True]},
        ),
        applicant_notice=notice_application_deemed_accepted(application),
        others=tuple(clerks_of_version[version.pk]),
        others_notice=notice_window_deemed_accepted(application),
    )


# --- (b) SLA lights: derived where they are read, never written (see the module's docstring) ---


def _card_check_of(today: dt.date) -> tuple[bool, int]:
    """Whether this is the day's first sweep, which looks at every late task for its card (the
    lights change with the day; later runs look only where a light can change within it), and
    the last review task the previous check saw."""
    state, _created = DeadlineSweepState.objects.get_or_create(pk=1)
    seen_task = state.cards_checked_task_id
    last_task = ReviewTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_of_the_day = state.cards_checked_on != today
    if first_of_the_day or last_task != seen_task:
        state.cards_checked_on = today
        state.cards_checked_task_id = last_task
        state.save(update_fields=["cards_checked_on", "cards_checked_task_id"])
    return first_of_the_day, seen_task


# --- (c) supervision cards ----------------------------------------------------------------------


def _task_cards(
    report: SweepReport, today: dt.date, *, every_late_task: bool, after_task: int
) -> None:
    """A card for each open task whose light (``sla_light_conditions``: the colour's band of due
    dates, the clock running) is the colour's and that has none of it yet. The day's first run
    (``every_late_task``) looks at all of them, by due-date range (the partial index
    task_due_open); a later run only where a light can have changed within the day: the tasks
    created since the last check (after ``after_task``) and those of applications whose clock
    ran again today (a "paused" light turned yellow or red)."""
    lights = sla_light_conditions(today)
    resumed = ClockPause.objects.filter(ended_on=today).values("application_id")
    for colour in (CardColour.YELLOW, CardColour.RED):
        late = ReviewTask.objects.filter(lights[colour], status=TaskStatus.OPEN)
        if not every_late_task:
            late = late.filter(Q(pk__gt=after_task) | Q(application_id__in=resumed))
        has_card = SupervisionCard.objects.filter(task=OuterRef("pk"), colour=colour)
        rows = list(
            late.exclude(Exists(has_card)).values_list(
                "pk",
                "application_id",
                "department_id",
                "role",
                "assignee_id",
                "due_on",
                "application__tracking_number",
            )
        )
        if not rows:
            continue
        reason = _card_reason(colour)
        cards = [
            SupervisionCard(
                application_id=application_id,
                task_id=task_id,
                department_id=department_id,
                colour=colour,
                reason=reason,
                issued_on=today,
            )
            for task_id, application_id, department_id, *_rest in rows
        ]
        by_department = defaultdict(list)
        for _task, _app, department_id, role, assignee_id, due_on, number in rows:
            by_department[department_id].append((role, assignee_id, due_on, number))
        _raise_cards(report, colour, cards, by_department)


def _intake_cards(report: SweepReport, today: dt.date, yellow_until: dt.date) -> None:
    """Cards against the window for applications still waiting for intake near or past the
    5 working days (raised before deemed acceptance, which follows from the red ones)."""
    for colour, condition in (
        (CardColour.YELLOW, Q(intake_due_on__gte=today, intake_due_on__lte=yellow_until)),
        (CardColour.RED, Q(intake_due_on__lt=today)),
    ):
        has_card = SupervisionCard.objects.filter(
            application=OuterRef("pk"), task__isnull=True, colour=colour
        )
        waiting = list(
            Application.objects.filter(condition, status=ApplicationStatus.SUBMITTED)
            .exclude(Exists(has_card))
            .select_related(
                "service_version__item__department", "theme_case__version__lead_department"
            )
        )
        if not waiting:
            continue
        windows_of_version: dict[int, list] = {}
        windows_of_theme: dict[int, list] = {}
        cards, by_department = [], defaultdict(list)
        for application in waiting:
            version = application.service_version
            if application.theme_case_id is not None:
                # 一窗受理: a one-thing case's member waits at its case's lead window.
                theme = application.theme_case.version
                if theme.pk not in windows_of_theme:
                    windows_of_theme[theme.pk] = theme.lead_department.service_windows()
                windows = windows_of_theme[theme.pk]
            else:
                if version.pk not in windows_of_version:
                    windows_of_version[version.pk] = window_departments(version)
                windows = windows_of_version[version.pk]
            department_id = windows[0].pk if windows else version.item.department_id
            cards.append(
                SupervisionCard(
                    application=application,
                    task=None,
                    department_id=department_id,
                    colour=colour,
                    reason=_card_reason(colour, intake=True),
                    issued_on=today,
                )
            )
            by_department[department_id].append(
                (
                    OfficialRole.INTAKE_CLERK,
                    None,
                    application.intake_due_on,
                    application.tracking_number,
                )
            )
        _raise_cards(report, colour, cards, by_department)


def _commitment_cards(report: SweepReport, today: dt.date, yellow_until: dt.date) -> None:
    """Cards against the verifying department for pledges (告知承诺制) whose verification after
    the licence (事后核查) is near or past its own working-day limit, by the same bands as review
    tasks: yellow within the warning period, red when overdue; one card of each colour per
    commitment (the constraint one_commitment_card_per_colour). Told to the department's heads
    and approvers, who verify. Set-based: one read a colour (the partial index
    commitment_verifying_due), one insert, one event."""
    for colour, condition in (
        (
            CardColour.YELLOW,
            Q(verification_due_on__gte=today, verification_due_on__lte=yellow_until),
        ),
        (CardColour.RED, Q(verification_due_on__lt=today)),
    ):
        has_card = SupervisionCard.objects.filter(commitment=OuterRef("pk"), colour=colour)
        rows = list(
            Commitment.objects.filter(condition, status=CommitmentStatus.VERIFYING)
            .exclude(Exists(has_card))
            .values_list(
                "pk",
                "application_id",
                "department_id",
                "verification_due_on",
                "application__tracking_number",
            )
        )
        if not rows:
            continue
        reason = _card_reason(colour, commitment=True)
        cards = [
            SupervisionCard(
                application_id=application_id,
                commitment_id=commitment_id,
                department_id=department_id,
                colour=colour,
                reason=reason,
                issued_on=today,
            )
            for commitment_id, application_id, department_id, *_rest in rows
        ]
        by_department = defaultdict(list)
        for _pk, _app, department_id, due_on, number in rows:
            by_department[department_id].append((None, None, due_on, number))
        # told to the department's verifiers: its approvers and heads
        _raise_cards(
            report,
            colour,
            cards,
            by_department,
            notice=notice_commitment_cards_raised,
            roles=LICENCE_MANAGER_ROLES,
        )


def _raise_cards(
    report: SweepReport,
    colour: str,
    cards: list[SupervisionCard],
    by_department: dict[int, list],
    *,
    notice=None,
    roles: tuple[str, ...] = (),
) -> None:
    """Insert ``cards`` (of one colour; a card already raised is skipped by the constraints),
    record them in one audit event and tell each department once (``_tell_departments``)."""
    SupervisionCard.objects.bulk_create(cards, ignore_conflicts=True)
    report.cards[colour] += len(cards)
    _audit_cards(colour, cards)
    _tell_departments(colour, by_department, notice, roles)


def _card_reason(colour: str, *, intake: bool = False, commitment: bool = False) -> str:
    # Stored in the source language; pages show the colour's translated label beside it.
    if commitment:
        return (
            "Verification of the pledge after the licence overdue (事后核查)"
            if colour == CardColour.RED
            else "Verification of the pledge after the licence due soon (事后核查)"
        )
    if intake:
        return (
            "Intake decision overdue (Art. 32)"
            if colour == CardColour.RED
            else "Intake decision due within the warning period"
        )
    return "Review task overdue" if colour == CardColour.RED else "Review task due soon"


def _audit_cards(colour: str, cards: list[SupervisionCard]) -> None:
    # One event per sweep and colour listing the cards, rather than one per card.
    audit_record(
        action=f"supervision.card_{colour}",
        object_type="approvals.supervisioncard",
        changes={
            "cards": [
                None,
                [
                    {
                        "task": card.task_id,
                        "application": card.application_id,
                        "department": card.department_id,
                        **({"commitment": card.commitment_id} if card.commitment_id else {}),
                    }
                    for card in cards
                ],
            ]
        },
        reason=cards[0].reason,
    )


def _tell_departments(
    colour: str, by_department: dict[int, list], notice=None, roles: tuple[str, ...] = ()
) -> None:
    """One message per department and colour (``notice``: its constructor in
    ``services/notices/``) to its heads and to the officials who work the late tasks (the
    assignee, or everyone in the task's role while unassigned, or in ``roles``)."""
    if not by_department:
        return
    notice = notice or notice_cards_raised
    positions = list(
        OfficialPosition.objects.filter(
            department_id__in=list(by_department), is_active=True, user__is_active=True
        ).select_related("user")
    )
    for department_id, items in by_department.items():
        working = {role for role, assignee, _due, _n in items if assignee is None} | set(roles)
        assignees = {assignee for _role, assignee, _due, _n in items if assignee is not None}
        recipients = {}
        for position in positions:
            if position.department_id != department_id:
                continue
            if (
                position.role == OfficialRole.DEPARTMENT_HEAD
                or position.role in working
                or position.user_id in assignees
            ):
                recipients[position.user_id] = position.user
        numbers = ", ".join(sorted({number or "" for *_x, number in items})[:20])
        text = notice(colour, count=len(items), numbers=numbers).fields()
        notify_many(users=recipients.values(), **text)


# --- (d) pledges --------------------------------------------------------------------------------


PLEDGE_REPLY_WORKING_DAYS = 5


def _lapse_pledges(report: SweepReport, today: dt.date) -> None:
    """Open pledges past their date lapse. An unkept pledge reopens the matter (DESIGN.md §2,
    容缺受理): an application still under review goes back to the applicant with a supplement
    notice for the pledged material and the clock paused; its review tasks stay open."""
    # The partial index pledge_open_due (not fulfilled, not lapsed) answers this.
    due = list(
        Pledge.objects.filter(
            due_on__lt=today,
            fulfilled_at__isnull=True,
            lapsed_at__isnull=True,
            cancelled_at__isnull=True,
        ).values_list("application_id", flat=True)
    )
    lapsed: list[tuple[Pledge, SupplementRequest | None]] = []
    for application_id in sorted(set(due)):
        try:
            with transaction.atomic():  # a savepoint: one bad row must not stop the rest
                lapsed.extend(_lapse_pledges_of(application_id, today))
        except Exception:
            logger.exception("lapsing the pledges of application %s failed", application_id)
    if not lapsed:
        return
    audit_record(
        action="pledge.lapsed",
        object_type="approvals.pledge",
        changes={
            "pledges": [
                None,
                [
                    {
                        "pledge": p.pk,
                        "application": p.application_id,
                        "due_on": p.due_on,
                        "supplement_request": request.pk if request else None,
                    }
                    for p, request in lapsed
                ],
            ]
        },
        reason="Pledged material not provided by its date",
    )
    clerks_of_version: dict[int, list] = {}
    for pledge, request in lapsed:
        _tell_lapse(pledge, request, clerks_of_version)
        report.lapsed_pledges.append(pledge.pk)


def _lapse_pledges_of(application_id: int, today: dt.date):

    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service_version__item__department", "created_by", "person__user")
        # _tell_lapse names each pledged material: one query for all of them, not one a pledge.
        .prefetch_related("service_version__materials")
        .get(pk=application_id)
    )
    pledges = list(
        Pledge.objects.select_for_update().filter(
            application=application,
            due_on__lt=today,
            fulfilled_at__isnull=True,
            lapsed_at__isnull=True,
            cancelled_at__isnull=True,
        )
    )
    if not pledges:
        return []  # fulfilled or lapsed meanwhile
    now = timezone.now()
    Pledge.objects.filter(pk__in=[p.pk for p in pledges]).update(lapsed_at=now)
    for pledge in pledges:
        pledge.lapsed_at = now
        pledge.application = application
    already_asked = SupplementRequest.objects.filter(
        application=application, answered_at__isnull=True
    ).exists()
    if application.status != ApplicationStatus.UNDER_REVIEW or already_asked:
        return [(pledge, None) for pledge in pledges]
    try:
        reply_by = working_calendar().add_working_days(today, PLEDGE_REPLY_WORKING_DAYS)
    except CalendarNotCovered:
        reply_by = today + dt.timedelta(days=7)
    # Stored as a window clerk would write it, in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        items = [
            {
                "material": pledge.material_key,
                "problem": str(
                    _("Not provided by %(date)s as pledged.") % {"date": pledge.due_on.isoformat()}
                ),
            }
            for pledge in pledges
        ]
    request = SupplementRequest.objects.create(
        application=application,
        items=items,
        reply_by=reply_by,
        during_review=True,
        # The clerk who took the pledge: the answer is reported to them.
        requested_by_id=pledges[0].created_by_id,
    )
    reason = "Pledged material not provided by its date: " + ", ".join(
        pledge.material_key for pledge in pledges
    )
    # The clock pauses in the same act; the reopening's one event names the pause.
    pause = None
    if not ClockPause.objects.filter(
        application=application, kind=PauseKind.SUPPLEMENT, ended_on__isnull=True
    ).exists():
        pause = clock_pause_start(
            actor=None,
            application=application,
            kind=PauseKind.SUPPLEMENT,
            reason=reason,
            recorded_by_caller=True,
        )
    application = application_transition(
        actor=None,
        application=application,
        action="request_supplement",
        reason=reason,
        changes={
            "supplement_request": [None, request.pk],
            "pledges": [None, [pledge.pk for pledge in pledges]],
            "reply_by": [None, reply_by],
            **(pause_changes(pause) if pause else {}),
        },
    )
    supplement_notice_issue(request=request, actor=None)
    return [(pledge, request) for pledge in pledges]


def _tell_lapse(pledge: Pledge, request, clerks_of_version: dict[int, list]) -> None:
    application = pledge.application
    version = application.service_version
    notice = notice_pledge_lapsed(
        application, pledge=pledge, reply_by=request.reply_by if request else None
    )
    for user in applicant_users(application):
        notify(user=user, application=application, **notice.fields())
    if version.pk not in clerks_of_version:
        clerks_of_version[version.pk] = window_intake_clerks(version)
    notify_many(
        users=clerks_of_version[version.pk],
        application=application,
        **notice_window_pledge_lapsed(application, pledge=pledge).fields(),
    )
