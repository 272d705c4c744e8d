"""一窗受理 for a one-thing case: the lead department's window decides on the whole.

The window accepts the case (each member through ``services/acceptance.py``'s one path; a member
that needs another member's approval first goes to ``waiting``, its own clock not started),
accepts it against a pledge for named materials of named members (容缺受理), or refuses the
whole; the one supplement notice and its answer are ``services/theme_supplement.py``'s. When the
window lets the 5 working days pass, the sweep deems the whole case accepted (Art. 32;
``theme_case_deem_accepted``).

Each act: permission (``policy.require_theme_intake_clerk``), the case and its members locked
(``case_lock``), the case's revision checked, each member's status changed through
``application_transition`` (each member keeps its own history and written notice, as the law
wants), one ``theme_case.*`` audit event for the act on the case, and one notice to the
applicant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.domain.china_time import china_today
from approvals.domain.lifecycle import AWAITING_SUPPLEMENT, Action
from approvals.models import (
    Application,
    ApplicationStatus,
    Pledge,
    ThemeCase,
    ThemeCaseStatus,
)
from approvals.selectors import policy
from approvals.selectors.theme_intake import (
    case_theme_members,
    member_prerequisites,
)
from approvals.services.acceptance import Acceptance, application_accept
from approvals.services.documents import date_en, date_zh
from approvals.services.intake import (
    MAX_REASON_LENGTH,
    application_refuse,
    refusal_clean,
)
from approvals.services.lifecycle import application_transition
from approvals.services.notices import (
    notice_theme_case_accepted,
    notice_theme_case_refused,
    notice_window_theme_case_deemed_accepted,
)
from approvals.services.notifications import notify_many, tell_applicant
from audit.chain import audit_record


class StaleThemeCase(Exception):
    """The act was asked against an older revision of the case: someone else (the applicant in
    another window, another clerk) saved first. One class for the applicant's and the window's
    acts, so that every interface maps it the same way (the API: 409)."""

    def __init__(self, case: ThemeCase):
        super().__init__(f"theme case {case.pk} is at revision {case.revision}")
        self.case = case


class CaseNotAtWindow(ValidationError):
    """The case is no longer (or not yet) waiting for the window's decision: another clerk has
    decided, or the applicant is preparing the supplement. The page shows it as the form's error;
    the API answers 409."""


def case_lock(case: ThemeCase, revision: int | None) -> tuple[ThemeCase, list[Application]]:
    """The case and its members, locked (members in id order: one lock order for everyone)."""
    locked = (
        ThemeCase.objects.select_for_update(of=("self",))
        .select_related("version__item", "version__lead_department", "created_by", "person__user")
        .get(pk=case.pk)
    )
    if revision is not None and locked.revision != revision:
        raise StaleThemeCase(locked)
    members = list(
        Application.objects.select_for_update(of=("self",))
        .filter(theme_case=locked)
        .select_related("service_version__item__department", "created_by", "person__user")
        .order_by("pk")
    )
    return locked, members


def case_at_window(case: ThemeCase, members: list[Application]) -> list[Application]:
    """The members the window decides on now; raises unless the whole case is at the window."""
    waiting = [m for m in members if m.status == ApplicationStatus.SUBMITTED]
    if (
        case.status != ThemeCaseStatus.SUBMITTED
        or not waiting
        or any(m.status in AWAITING_SUPPLEMENT for m in members)
    ):
        raise CaseNotAtWindow(_("This one-thing case is not waiting for an intake decision."))
    return waiting


def case_bump(case: ThemeCase) -> None:
    case.revision += 1
    case.save(update_fields=["revision", "updated_at"])


def tell_case_applicant(case: ThemeCase, members: list[Application], notice) -> None:
    """One notice to the applicant for the whole case (the members share their applicant)."""
    tell_applicant(members[0], **notice.fields())


def _accept_members(
    *,
    actor: User | None,
    case: ThemeCase,
    members: list[Application],
    acceptance_of: Callable[[Application], Acceptance],
) -> tuple[list[Application], list[Application]]:
    """Accept ``members`` (locked, at the window) through the one acceptance path; those that
    wait for another member of the case go to ``waiting`` instead, their clock not started.
    Returns (accepted, waiting)."""
    waits = member_prerequisites(members, case_theme_members(case))
    accepted, waiting = [], []
    for member in members:
        if waits.get(member.theme_member_key):
            waiting.append(
                application_transition(
                    actor=actor,
                    application=member,
                    action=Action.WAIT_FOR_PREREQUISITE,
                    event="theme_case.member_waiting",
                    changes={
                        "theme_case": [None, case.pk],
                        "waits_for": [None, waits[member.theme_member_key]],
                    },
                )
            )
        else:
            accepted.append(
                application_accept(
                    actor=actor,
                    application=member,
                    acceptance=acceptance_of(member),
                    applicant_notice=None,
                )
            )
    return accepted, waiting


def _accepted_today(case: ThemeCase) -> Acceptance:
    """A member accepted by the window with its case: its decision period starts today."""
    return Acceptance(
        action=Action.ACCEPT,
        event="intake.accepted",
        accepted_on=china_today(),
        changes={"theme_case": [None, case.pk]},
    )


def _case_changes(accepted, waiting) -> dict:
    return {
        "accepted": [None, [m.theme_member_key for m in accepted]],
        "waiting": [None, [m.theme_member_key for m in waiting]],
    }


# --- Accept -------------------------------------------------------------------------------------


@transaction.atomic
def theme_case_accept(*, actor: User, case: ThemeCase, revision: int) -> ThemeCase:
    """Accept the whole case (一窗受理): each member's decision period starts today, except for
    the members that wait for another member's approval."""
    policy.require_theme_intake_clerk(actor, case)
    locked, members = case_lock(case, revision)
    at_window = case_at_window(locked, members)
    accepted, waiting = _accept_members(
        actor=actor,
        case=locked,
        members=at_window,
        acceptance_of=lambda member: _accepted_today(locked),
    )
    case_bump(locked)
    audit_record(
        action="theme_case.accepted",
        actor=actor,
        obj=locked,
        changes=_case_changes(accepted, waiting),
    )
    tell_case_applicant(
        locked, members, notice_theme_case_accepted(locked, accepted=accepted, waiting=waiting)
    )
    return locked


def _clean_pledges(members: list[Application], pledges, due_on: dt.date | None) -> dict[str, list]:
    """{member key: [material, ...]} for the pledged materials, or ValidationError."""
    by_key = {m.theme_member_key: m for m in members}
    cleaned: dict[str, list] = {}
    errors = []
    for entry in pledges or []:
        member = by_key.get((entry.get("member") or "").strip())
        key = (entry.get("material") or "").strip()
        material = (
            next((m for m in member.service_version.materials.all() if m.key == key), None)
            if member is not None
            else None
        )
        if material is None:
            errors.append(_("Choose materials of the services of this case."))
            continue
        cleaned.setdefault(member.theme_member_key, []).append(material)
    errors = {"pledges": errors} if errors else {}
    if not cleaned and not errors:
        errors["pledges"] = [_("Choose the material the applicant pledges to hand in later.")]
    if due_on is None or due_on <= china_today():
        errors["due_on"] = [_("The pledged date must be in the future.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def theme_case_accept_with_pledge(
    *,
    actor: User,
    case: ThemeCase,
    revision: int,
    pledges: list[dict],
    due_on: dt.date,
    note: str = "",
) -> ThemeCase:
    """Accept the whole case with minor materials of named members missing (容缺受理), against
    the applicant's pledge to hand them in by ``due_on``: ``pledges`` is
    ``[{"member": member key, "material": material key}, ...]``. A member that waits for another
    is accepted later; it cannot be pledged for now."""
    policy.require_theme_intake_clerk(actor, case)
    locked, members = case_lock(case, revision)
    at_window = case_at_window(locked, members)
    pledged = _clean_pledges(at_window, pledges, due_on)
    waits = member_prerequisites(at_window, case_theme_members(locked))
    if any(waits.get(key) for key in pledged):
        raise ValidationError(
            {"pledges": [_("A service that waits for another cannot be accepted with a pledge.")]}
        )
    note = (note or "").strip()[:MAX_REASON_LENGTH]
    today = china_today()

    def acceptance_of(member: Application) -> Acceptance:
        materials = pledged.get(member.theme_member_key)
        if not materials:
            return _accepted_today(locked)
        created = [
            Pledge.objects.create(
                application=member, material_key=m.key, due_on=due_on, created_by=actor
            )
            for m in materials
        ]
        return Acceptance(
            action=Action.ACCEPT_WITH_PLEDGE,
            event="intake.accepted_with_pledge",
            accepted_on=today,
            reason=note,
            changes={
                "theme_case": [None, locked.pk],
                "pledge": [None, created[0].pk],
                "material": [None, ", ".join(m.key for m in materials)],
                "due_on": [None, due_on],
            },
            notice_extra={
                "pledge": {
                    "material_zh": "、".join(m.name_zh for m in materials),
                    "material_en": ", ".join(m.name_en for m in materials),
                    "due_zh": date_zh(due_on),
                    "due_en": date_en(due_on),
                }
            },
        )

    accepted, waiting = _accept_members(
        actor=actor, case=locked, members=at_window, acceptance_of=acceptance_of
    )
    case_bump(locked)
    audit_record(
        action="theme_case.accepted_with_pledge",
        actor=actor,
        obj=locked,
        reason=note,
        changes={
            **_case_changes(accepted, waiting),
            "pledged": [None, {key: [m.key for m in ms] for key, ms in pledged.items()}],
            "due_on": [None, due_on],
        },
    )
    tell_case_applicant(
        locked, members, notice_theme_case_accepted(locked, accepted=accepted, waiting=waiting)
    )
    return locked


# --- Deemed acceptance (Art. 32), from the sweep ----------------------------------------------


def theme_cases_due_for_deemed_acceptance(today: dt.date) -> list[int]:
    """The cases with a member still at the window past its intake date (the partial index of
    waiting applications answers it); ``theme_case_deem_accepted`` checks the whole."""
    return sorted(
        set(
            Application.objects.filter(
                status=ApplicationStatus.SUBMITTED,
                intake_due_on__lt=today,
                theme_case__isnull=False,
            ).values_list("theme_case_id", flat=True)
        )
    )


@transaction.atomic
def theme_case_deem_accepted(*, case_id: int, today: dt.date) -> bool:
    """Deem the whole case accepted when every member at the window has passed its 5 working
    days (each member's clock, paused by a supplement notice, behaves as a single
    application's): each member from its day of receipt. False when not (or no longer) due."""
    case = ThemeCase.objects.get(pk=case_id)
    locked, members = case_lock(case, None)
    try:
        at_window = case_at_window(locked, members)
    except ValidationError:
        return False
    if any(m.intake_due_on is None or m.intake_due_on >= today for m in at_window):
        return False
    accepted, waiting = _accept_members(
        actor=None,
        case=locked,
        members=at_window,
        acceptance_of=lambda member: Acceptance(
            action=Action.DEEM_ACCEPTED,
            event="application.deemed_accepted",
            accepted_on=member.received_on,
            reason=(
                f"No intake decision on the one-thing case {locked.tracking_number} within 5 "
                f"working days of receipt (due {member.intake_due_on}): deemed accepted from "
                f"the day of receipt, {member.received_on} (Art. 32)."
            ),
            fields={"deemed_accepted": True},
            changes={"deemed_accepted": [False, True], "theme_case": [None, locked.pk]},
        ),
    )
    case_bump(locked)
    audit_record(
        action="theme_case.deemed_accepted",
        actor=None,
        obj=locked,
        changes=_case_changes(accepted, waiting),
    )
    tell_case_applicant(
        locked,
        members,
        notice_theme_case_accepted(locked, accepted=accepted, waiting=waiting, deemed=True),
    )
    notify_many(
        users=case_window_clerks(locked),
        **notice_window_theme_case_deemed_accepted(locked).fields(),
    )
    return True


def case_window_clerks(case: ThemeCase) -> list[User]:
    from accounts.models import OfficialPosition, OfficialRole

    windows = case.version.lead_department.service_windows()
    positions = OfficialPosition.objects.filter(
        department__in=windows, role=OfficialRole.INTAKE_CLERK, is_active=True, user__is_active=True
    ).select_related("user")
    return list({p.user_id: p.user for p in positions}.values())


# --- Refuse the whole ---------------------------------------------------------------------------


@transaction.atomic
def theme_case_refuse(
    *,
    actor: User,
    case: ThemeCase,
    revision: int,
    reasons: str,
    competent_agency: str = "",
    not_our_matter: bool = False,
) -> ThemeCase:
    """Refuse acceptance of the whole case with reasons (Art. 32(1)): each member gets its own
    written refusal notice; the applicant one notification."""
    policy.require_theme_intake_clerk(actor, case)
    locked, members = case_lock(case, revision)
    at_window = case_at_window(locked, members)
    reasons, competent_agency = refusal_clean(reasons, competent_agency, not_our_matter)
    for member in at_window:
        application_refuse(
            actor=actor,
            application=member,
            reasons=reasons,
            competent_agency=competent_agency,
            not_our_matter=not_our_matter,
            changes={"theme_case": [None, locked.pk]},
        )
    case_bump(locked)
    audit_record(
        action="theme_case.refused",
        actor=actor,
        obj=locked,
        reason=reasons,
        changes={
            "members": [None, [m.theme_member_key for m in at_window]],
            "competent_agency": [None, competent_agency],
        },
    )
    tell_case_applicant(
        locked,
        members,
        notice_theme_case_refused(locked, reasons=reasons, competent_agency=competent_agency),
    )
    return locked
