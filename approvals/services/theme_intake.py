"""一窗受理 for a one-thing case: the lead department's window decides on the whole.

The window accepts the case (each member through ``services/acceptance.py``'s one path; a member
that needs another member's approval first goes to ``waiting``, its own clock not started),
accepts it against a pledge for named materials of named members (容缺受理), issues ONE
supplement notice covering every member and department (一次性告知: a ``SupplementRequest`` per
member concerned, created together, one notification), or refuses the whole. The applicant
answers the notice once (``theme_case_supplement_answer``); a material uploaded once fills every
member that asked for it. When the window lets the 5 working days pass, the sweep deems the whole
case accepted (Art. 32; ``theme_case_deem_accepted``).

Each act: permission (``policy.require_theme_intake_clerk``), the case and its members locked,
the case's revision checked, each member's status changed through ``application_transition``
(each member keeps its own history and written notice, as the law wants), one ``theme_case.*``
audit event for the act on the case, and one notice to the applicant.
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
from approvals.dynamic_forms.labels import title_of
from approvals.models import (
    Application,
    ApplicationStatus,
    Attachment,
    DocumentKind,
    PauseKind,
    Pledge,
    SupplementRequest,
    ThemeCase,
    ThemeCaseStatus,
)
from approvals.models.audit_chain import audit_record
from approvals.selectors import policy
from approvals.selectors.theme_intake import (
    case_theme_members,
    member_prerequisites,
    supplement_targets,
)
from approvals.services.acceptance import Acceptance, application_accept
from approvals.services.attachments import attachment_share, attachment_upload
from approvals.services.deadlines import clock_pause_start, pause_changes
from approvals.services.documents import date_en, date_zh, document_issue, supplement_notice_issue
from approvals.services.intake import (
    MAX_REASON_LENGTH,
    supplement_answer,
    supplement_correctable_fields,
    supplement_missing_materials,
)
from approvals.services.lifecycle import application_transition
from approvals.services.notices import (
    notice_theme_case_accepted,
    notice_theme_case_refused,
    notice_theme_case_supplement_received,
    notice_theme_case_supplement_requested,
    notice_window_theme_case_deemed_accepted,
)
from approvals.services.notifications import notify_many, tell_applicant


class StaleThemeCase(Exception):
    """The case changed since the clerk's page was rendered."""

    def __init__(self, case: ThemeCase):
        super().__init__(f"theme case {case.pk} changed")
        self.case = case


def _lock(case: ThemeCase, revision: int | None) -> tuple[ThemeCase, list[Application]]:
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


def _at_window(case: ThemeCase, members: list[Application]) -> list[Application]:
    """The members the window decides on now; raises unless the whole case is at the window."""
    waiting = [m for m in members if m.status == ApplicationStatus.SUBMITTED]
    if (
        case.status != ThemeCaseStatus.SUBMITTED
        or not waiting
        or any(m.status in AWAITING_SUPPLEMENT for m in members)
    ):
        raise ValidationError(_("This one-thing case is not waiting for an intake decision."))
    return waiting


def _bump(case: ThemeCase) -> None:
    case.revision += 1
    case.save(update_fields=["revision", "updated_at"])


def _tell(case: ThemeCase, members: list[Application], notice) -> None:
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
    locked, members = _lock(case, revision)
    at_window = _at_window(locked, members)
    today = china_today()
    accepted, waiting = _accept_members(
        actor=actor,
        case=locked,
        members=at_window,
        acceptance_of=lambda member: Acceptance(
            action=Action.ACCEPT,
            event="intake.accepted",
            accepted_on=today,
            changes={"theme_case": [None, locked.pk]},
        ),
    )
    _bump(locked)
    audit_record(
        action="theme_case.accepted",
        actor=actor,
        obj=locked,
        changes=_case_changes(accepted, waiting),
    )
    _tell(locked, members, notice_theme_case_accepted(locked, accepted=accepted, waiting=waiting))
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
    locked, members = _lock(case, revision)
    at_window = _at_window(locked, members)
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
            return Acceptance(
                action=Action.ACCEPT,
                event="intake.accepted",
                accepted_on=today,
                changes={"theme_case": [None, locked.pk]},
            )
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
    _bump(locked)
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
    _tell(locked, members, notice_theme_case_accepted(locked, accepted=accepted, waiting=waiting))
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
    locked, members = _lock(case, None)
    try:
        at_window = _at_window(locked, members)
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
    _bump(locked)
    audit_record(
        action="theme_case.deemed_accepted",
        actor=None,
        obj=locked,
        changes=_case_changes(accepted, waiting),
    )
    _tell(
        locked,
        members,
        notice_theme_case_accepted(locked, accepted=accepted, waiting=waiting, deemed=True),
    )
    notify_many(
        users=_window_clerks(locked),
        **notice_window_theme_case_deemed_accepted(locked).fields(),
    )
    return True


def _window_clerks(case: ThemeCase) -> list[User]:
    from accounts.models import OfficialPosition, OfficialRole

    windows = case.version.lead_department.service_windows()
    positions = OfficialPosition.objects.filter(
        department__in=windows, role=OfficialRole.INTAKE_CLERK, is_active=True, user__is_active=True
    ).select_related("user")
    return list({p.user_id: p.user for p in positions}.values())


# --- One supplement notice for every member and department (一次性告知) ---------------------------


def _clean_case_items(case: ThemeCase, members: list[Application], items) -> dict[str, list]:
    """{member key: [single-application supplement items]} from the case's items:
    ``{"material": target key, "problem"}`` (a shared material fills every member that maps it),
    ``{"member": member key, "field": field, "problem"}``, or ``{"problem"}`` alone (about the
    case as a whole: every member)."""
    targets = {target.key: target for target in supplement_targets(case, members)}
    by_key = {m.theme_member_key: m for m in members}
    per_member: dict[str, list] = {}
    errors = []
    for item in items or []:
        problem = (item.get("problem") or "").strip()[:MAX_REASON_LENGTH]
        material = (item.get("material") or "").strip()
        field = (item.get("field") or "").strip()
        member = by_key.get((item.get("member") or "").strip())
        if not (material or field or problem):
            continue
        if not problem:
            errors.append(_("Say what is missing or wrong for every item you list."))
            continue
        if not (material or field):
            # A problem with the case as a whole: every member hears it (listed once).
            for member_key in by_key:
                per_member.setdefault(member_key, []).append(
                    {"material": "", "problem": problem, "target": f"other:{len(errors)}:{problem}"}
                )
        elif material:
            target = targets.get(material)
            if target is None:
                errors.append(_("“%(key)s” is not a material of this case.") % {"key": material})
                continue
            for member_key, material_key in target.slots:
                per_member.setdefault(member_key, []).append(
                    {"material": material_key, "problem": problem, "target": material}
                )
        else:
            if member is None or field not in supplement_correctable_fields(member.service_version):
                errors.append(
                    _("“%(key)s” is not a field the applicant can correct.") % {"key": field}
                )
                continue
            per_member.setdefault(member.theme_member_key, []).append(
                {"material": "", "field": field, "problem": problem}
            )
    if not per_member and not errors:
        errors.append(_("List at least one missing or defective item."))
    if errors:
        raise ValidationError({"items": errors})
    return per_member


@transaction.atomic
def theme_case_request_supplement(
    *, actor: User, case: ThemeCase, revision: int, items: list[dict], reply_by: dt.date
) -> list[SupplementRequest]:
    """ONE notice covering every member and department (Art. 32(4)): a supplement request per
    member concerned, created together, each pausing that member's clock (Art. 45), and one
    notification to the applicant listing every item."""
    policy.require_theme_intake_clerk(actor, case)
    locked, members = _lock(case, revision)
    at_window = _at_window(locked, members)
    per_member = _clean_case_items(locked, at_window, items)
    if reply_by is None or reply_by <= china_today():
        raise ValidationError({"reply_by": [_("The reply date must be in the future.")]})
    requests = []
    for member in at_window:
        member_items = per_member.get(member.theme_member_key)
        if not member_items:
            continue
        request = SupplementRequest.objects.create(
            application=member, items=member_items, reply_by=reply_by, requested_by=actor
        )
        pause = clock_pause_start(
            actor=actor,
            application=member,
            kind=PauseKind.SUPPLEMENT,
            reason=_("Waiting for the applicant's supplement (one-time notice)."),
            recorded_by_caller=True,
            tell=False,
        )
        application_transition(
            actor=actor,
            application=member,
            action=Action.REQUEST_SUPPLEMENT,
            event="intake.supplement_requested",
            changes={
                "theme_case": [None, locked.pk],
                "items": [None, len(member_items)],
                "supplement_request": [None, request.pk],
                "materials": [None, [i["material"] for i in member_items if i["material"]]],
                "fields": [None, [i["field"] for i in member_items if i.get("field")]],
                "reply_by": [None, reply_by],
                **pause_changes(pause),
            },
        )
        supplement_notice_issue(request=request, actor=actor)
        requests.append(request)
    _bump(locked)
    audit_record(
        action="theme_case.supplement_requested",
        actor=actor,
        obj=locked,
        changes={
            "supplement_requests": [None, [r.pk for r in requests]],
            "members": [None, [r.application.theme_member_key for r in requests]],
            "departments": [
                None,
                sorted({r.application.service_version.item.department.code for r in requests}),
            ],
            "reply_by": [None, reply_by],
        },
    )
    lines = case_supplement_lines(locked, requests)
    _tell(
        locked,
        members,
        notice_theme_case_supplement_requested(locked, reply_by=reply_by, item_lines=lines),
    )
    return requests


def field_title(version, name: str) -> str:
    prop = (version.form_schema or {}).get("properties", {}).get(name)
    return title_of(prop) if prop else name


def case_supplement_lines(case: ThemeCase, requests) -> Callable[[], str]:
    """The notice's items, each once (a shared material asked by several members is one line),
    in the reader's language when rendered."""
    members = [request.application for request in requests]

    def render() -> str:
        targets = {t.key: t for t in supplement_targets(case, members)}
        seen, lines = set(), []
        for request in requests:
            version = request.application.service_version
            for item in request.items:
                key = item.get("target") or f"{request.application.theme_member_key}:" + (
                    item.get("material") or item.get("field", "")
                )
                if key in seen:
                    continue
                seen.add(key)
                target = targets.get(key)
                if target is not None:
                    lines.append(f"{len(lines) + 1}. {target.name}: {item['problem']}")
                elif item.get("field"):
                    title = field_title(version, item["field"])
                    lines.append(f"{len(lines) + 1}. {version.name} — {title}: {item['problem']}")
                else:
                    lines.append(f"{len(lines) + 1}. {item['problem']}")
        return "\n".join(lines)

    return render


# --- The applicant answers the case's notice once --------------------------------------------


def open_case_requests(case: ThemeCase) -> list[SupplementRequest]:
    """The case's open supplement requests at the window, one per member concerned."""
    return list(
        SupplementRequest.objects.filter(
            application__theme_case=case,
            answered_at__isnull=True,
            application__status=ApplicationStatus.SUPPLEMENT_REQUESTED,
        )
        .select_related("application__service_version__item__department")
        .order_by("application_id")
    )


@transaction.atomic
def theme_case_supplement_upload(
    *, actor: User, case: ThemeCase, target: str, uploaded_file
) -> list[Attachment]:
    """Upload a file once for the notice's item ``target`` (a shared material or one member's):
    it is inspected and stored once (``attachment_upload``), and attached to every member whose
    open request asked for it. Returns the attachments."""
    requests = open_case_requests(case)
    slots = [
        (request.application, item["material"])
        for request in requests
        for item in request.items
        if item.get("material")
        and (item.get("target") or f"{request.application.theme_member_key}:{item['material']}")
        == target
    ]
    if not slots:
        raise ValidationError(_("The supplement notice does not ask for this material."))
    first_application, first_key = slots[0]
    stored = attachment_upload(
        actor=actor,
        application=first_application,
        material_key=first_key,
        uploaded_file=uploaded_file,
    )
    attachments = [stored]
    for application, material_key in slots[1:]:
        attachments.append(
            attachment_share(
                actor=actor, source=stored, application=application, material_key=material_key
            )
        )
    return attachments


def case_missing_materials(case: ThemeCase) -> list[str]:
    """The notice's material items (target keys) not uploaded again since the notice."""
    missing = []
    for request in open_case_requests(case):
        for key in supplement_missing_materials(request):
            item = next(i for i in request.items if i.get("material") == key)
            target = item.get("target") or f"{request.application.theme_member_key}:{key}"
            if target not in missing:
                missing.append(target)
    return missing


@transaction.atomic
def theme_case_supplement_answer(
    *, actor: User, case: ThemeCase, comment: str = "", corrections: dict | None = None
) -> ThemeCase:
    """Send the case's supplement once: each member concerned answers its own request through
    the single path (``supplement_answer``: its clock restarts, it goes back to the window);
    ``corrections`` is ``{member key: {field: value}}``. One event, one notice to the window."""
    requests = open_case_requests(case)
    if not requests:
        raise ValidationError(_("There is no supplement to send for this application."))
    policy.require_application_edit(actor, requests[0].application)
    missing = case_missing_materials(case)
    if missing:
        members = [r.application for r in requests]
        names = {t.key: t.name for t in supplement_targets(case, members)}
        raise ValidationError(
            {
                "materials": [
                    _("Upload “%(material)s” again before you send the supplement.")
                    % {"material": names.get(key, key)}
                    for key in missing
                ]
            }
        )
    corrections = corrections or {}
    answered = []
    for request in requests:
        member = request.application
        answered.append(
            supplement_answer(
                actor=actor,
                application=member,
                comment=comment,
                corrections=corrections.get(member.theme_member_key),
                tell=False,
            )
        )
    locked, _members = _lock(case, None)
    _bump(locked)
    audit_record(
        action="theme_case.supplement_answered",
        actor=actor,
        obj=locked,
        changes={"members": [None, [m.theme_member_key for m in answered]]},
    )
    recipients = {r.requested_by_id: r.requested_by for r in requests}
    for clerk in _window_clerks(locked):
        recipients.setdefault(clerk.pk, clerk)
    notify_many(users=recipients.values(), **notice_theme_case_supplement_received(locked).fields())
    return locked


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
    locked, members = _lock(case, revision)
    at_window = _at_window(locked, members)
    reasons = (reasons or "").strip()[:MAX_REASON_LENGTH]
    competent_agency = (competent_agency or "").strip()[:200]
    errors: dict[str, list] = {}
    if not reasons:
        errors["reasons"] = [_("Give the reasons for not accepting the application.")]
    if not_our_matter and not competent_agency:
        errors["competent_agency"] = [
            _("Name the agency the applicant should apply to instead (Art. 32(1)).")
        ]
    if errors:
        raise ValidationError(errors)
    for member in at_window:
        refused = application_transition(
            actor=actor,
            application=member,
            action=Action.REFUSE_ACCEPTANCE,
            event="intake.refused",
            reason=reasons,
            changes={
                "theme_case": [None, locked.pk],
                "competent_agency": [None, competent_agency],
                "not_our_matter": [None, bool(not_our_matter)],
            },
        )
        document_issue(
            application=refused,
            kind=DocumentKind.REFUSAL_NOTICE,
            actor=actor,
            extra={"reasons": reasons, "competent_agency": competent_agency},
        )
    _bump(locked)
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
    _tell(
        locked,
        members,
        notice_theme_case_refused(locked, reasons=reasons, competent_agency=competent_agency),
    )
    return locked
