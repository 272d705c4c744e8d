"""一次性告知 across departments for a one-thing case: the window's ONE supplement notice covering
every member and department (a ``SupplementRequest`` per member concerned, created together, each
pausing that member's clock, one notification), and the applicant's answer, once, on one page: a
material uploaded once fills every member that asked for it (one stored file), each member's
corrected answers are validated as its own form's, and each member answers its own request
through the single path (``services/intake.py``'s ``supplement_answer``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.domain.china_time import china_today
from approvals.domain.lifecycle import Action
from approvals.dynamic_forms.labels import title_of
from approvals.models import (
    Application,
    ApplicationStatus,
    Attachment,
    PauseKind,
    SupplementRequest,
    ThemeCase,
)
from approvals.selectors import policy
from approvals.selectors.theme_intake import supplement_targets
from approvals.services.attachments import attachment_share, attachment_upload
from approvals.services.deadlines import clock_pause_start, pause_changes
from approvals.services.documents import supplement_notice_issue
from approvals.services.intake import (
    MAX_REASON_LENGTH,
    supplement_answer,
    supplement_missing_materials,
)
from approvals.services.lifecycle import application_transition
from approvals.services.notices import (
    notice_theme_case_supplement_received,
    notice_theme_case_supplement_requested,
)
from approvals.services.notifications import notify_many
from approvals.services.supplement_items import supplement_correctable_fields
from approvals.services.theme_intake import (
    case_at_window,
    case_bump,
    case_lock,
    case_window_clerks,
    tell_case_applicant,
)
from audit.chain import audit_record

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
    locked, members = case_lock(case, revision)
    at_window = case_at_window(locked, members)
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
    case_bump(locked)
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
    tell_case_applicant(
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
    locked, _members = case_lock(case, None)
    case_bump(locked)
    audit_record(
        action="theme_case.supplement_answered",
        actor=actor,
        obj=locked,
        changes={"members": [None, [m.theme_member_key for m in answered]]},
    )
    recipients = {r.requested_by_id: r.requested_by for r in requests}
    for clerk in case_window_clerks(locked):
        recipients.setdefault(clerk.pk, clerk)
    notify_many(users=recipients.values(), **notice_theme_case_supplement_received(locked).fields())
    return locked
