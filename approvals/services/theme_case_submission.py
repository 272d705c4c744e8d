"""Applying for a 一件事 theme as one: start a case, answer the guiding questions, type each shared
field once and each member's own fields, upload each material once, submit once, withdraw, rate.

The case's form asks exactly what ``theme_plan(version, answers)`` lists; on submission each
member the plan names becomes its own ``Application`` of its service's published version (its own
department, time limit and decision), filed with the shared answers mapped onto its schema and
the case's materials attached — the same stored file for every member that maps a shared
material. Each function checks permission first, changes state in one transaction, records its
audit event there, and leaves notices for after the commit.
"""

from __future__ import annotations

import datetime
import io
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Business, User
from approvals import dynamic_forms
from approvals.db.counters import counter_next
from approvals.domain.china_time import china_date, china_time
from approvals.domain.commitments import commitment_replaced_materials
from approvals.domain.themes import AnswerProblem, parse_answers
from approvals.models import (
    OPEN_STATUSES,
    ApplicantKind,
    Application,
    ApplicationStatus,
    Attachment,
    DeliveryChoice,
    DocumentKind,
    Licence,
    ServiceRating,
    ThemeCase,
    ThemeCaseAttachment,
    ThemeCaseStatus,
    ThemeVersion,
    TrackingCounter,
    VersionStatus,
)
from approvals.security.query_codes import hash_query_code, new_query_code
from approvals.security.scanning import scan_upload
from approvals.security.uploads import UploadRejected, inspect_upload
from approvals.selectors import policy
from approvals.selectors.theme_cases import (
    case_certificates,
    case_delivery_ready,
    case_file_in_use,
    case_material_slots,
    case_members,
    member_data,
    shared_schema,
    shared_values,
)
from approvals.selectors.themes import ThemePlan, theme_plan
from approvals.services.applications import application_withdraw
from approvals.services.attachments import cited_licence_problem
from approvals.services.documents import document_issue, document_record_download
from approvals.services.lifecycle import application_transition, on_behalf_of
from approvals.services.notices import (
    notice_theme_case_submitted,
    notice_window_theme_case_submitted,
    query_code_text,
)
from approvals.services.notifications import applicant_users, notify, notify_many
from approvals.services.ratings import may_be_rated, rating_submit
from approvals.services.theme_intake import StaleThemeCase, case_window_clerks
from audit.chain import audit_chain_append, audit_record

MAX_IDEMPOTENCY_KEY_LENGTH = ThemeCase._meta.get_field("idempotency_key").max_length


class ThemeCaseIncomplete(ValidationError):
    """Submission refused. ``field_errors`` maps ``"shared:<field>"`` and ``"<member>:<field>"``
    to messages; ``missing_materials`` lists ``(member key or "", material key, name)``."""

    def __init__(self, *, field_errors: dict[str, list[str]], missing_materials: list[tuple]):
        self.field_errors = field_errors
        self.missing_materials = missing_materials
        super().__init__(_("The application is not complete yet."), code="incomplete")


# --- Start --------------------------------------------------------------------------------------


@transaction.atomic
def theme_case_start(
    *, actor: User, version: ThemeVersion, business: Business | None = None
) -> ThemeCase:
    """A new draft case for ``version``, as the actor themself or for ``business``, its shared
    fields prefilled from the applicant's profile and the registries (一数一源)."""
    policy.require_can_apply_as(actor, business=business)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This one-thing service is not open for applications."))
    if business is not None and not version.for_businesses:
        raise ValidationError(_("Businesses cannot apply for this service."))
    if business is None and not version.for_persons:
        raise ValidationError(_("Only businesses can apply for this service."))
    person = getattr(actor, "person", None)
    prefill = dynamic_forms.prefill_values(
        shared_schema(version.shared_fields), user=actor, person=person, business=business
    )
    case = ThemeCase.objects.create(
        version=version,
        applicant_kind=ApplicantKind.BUSINESS if business is not None else ApplicantKind.PERSON,
        person=person if business is None else None,
        business=business,
        created_by=actor,
        data={"shared": prefill, "members": {}},
    )
    audit_record(
        action="theme_case.started",
        actor=actor,
        obj=case,
        on_behalf_of=on_behalf_of(case),
        changes={
            "status": [None, ThemeCaseStatus.DRAFT],
            "theme_version": [None, version.pk],
            "prefilled": [None, sorted(prefill)],
        },
    )
    return case


# --- Save the draft -----------------------------------------------------------------------------


def _locked_draft(actor: User, case: ThemeCase, revision: int) -> ThemeCase:
    policy.require_theme_case_edit(actor, case)
    stored = ThemeCase.objects.select_for_update().select_related("version").get(pk=case.pk)
    if stored.status != ThemeCaseStatus.DRAFT:
        raise ValidationError(_("This application has been submitted and can no longer change."))
    if stored.revision != revision:
        raise StaleThemeCase(stored)
    return stored


def _save_draft(*, actor, stored: ThemeCase, step: str, changed: list[str], **fields) -> None:
    ThemeCase.objects.filter(pk=stored.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now(), **fields
    )
    audit_record(
        action="theme_case.step_saved",
        actor=actor,
        obj=stored,
        on_behalf_of=on_behalf_of(stored),
        # Names of what changed, never the values (they may be personal data).
        changes={
            "step": [None, step],
            "fields": [None, changed],
            "revision": [stored.revision, stored.revision + 1],
        },
    )


# Why an answer to a guiding question was refused, in the reader's language (the page's form and
# the API say the same).
ANSWER_PROBLEMS = {
    AnswerProblem.UNKNOWN: gettext_lazy("This theme asks no such question."),
    AnswerProblem.NOT_YES_NO: gettext_lazy("Answer yes or no (true or false)."),
    AnswerProblem.NOT_NUMBER: gettext_lazy("Enter a number, zero or more."),
    AnswerProblem.NOT_CHOICE: gettext_lazy("Choose one of the listed answers."),
}


def clean_answers(version: ThemeVersion, raw: dict) -> tuple[dict, dict[str, str]]:
    """The guiding questions' answers typed as their kinds (``parse_answers``, the guide's own
    reading), and the problems by question: an applicant's case needs every question answered.
    Keys that are not questions of the theme are left out."""
    keys = [question["key"] for question in version.questions]
    answers, refused = parse_answers(version.questions, {key: raw.get(key) for key in keys})
    errors = {key: str(ANSWER_PROBLEMS[problem]) for key, problem in refused.items()}
    for key in keys:
        if key not in answers and key not in errors:
            errors[key] = _("Answer this question.")
    return answers, errors


@transaction.atomic
def theme_case_save_answers(
    *, actor: User, case: ThemeCase, answers: dict, revision: int, delivery: str | None = None
) -> ThemeCase:
    """Store the answers to the guiding questions (which decide the members that apply) and,
    if given, how the certificates are delivered. Raises ``ValidationError`` by question."""
    stored = _locked_draft(actor, case, revision)
    cleaned, errors = clean_answers(stored.version, answers or {})
    if delivery is not None and delivery not in DeliveryChoice.values:
        errors["delivery"] = _("Choose how the certificates are delivered.")
    if errors:
        raise ValidationError(errors)
    fields = {"answers": cleaned, "current_step": max(stored.current_step, 1)}
    if delivery is not None:
        fields["delivery"] = delivery
    changed = sorted(k for k in cleaned if stored.answers.get(k) != cleaned[k])
    _save_draft(actor=actor, stored=stored, step="questions", changed=changed, **fields)
    case.refresh_from_db()
    return case


@transaction.atomic
def theme_case_save_shared(
    *, actor: User, case: ThemeCase, values: dict, revision: int
) -> ThemeCase:
    """Store the shared fields' cleaned answers (asked once for every member). ``values``
    replace the stored shared answers of the fields the theme declares."""
    stored = _locked_draft(actor, case, revision)
    declared = {field["key"] for field in stored.version.shared_fields}
    before = dict((stored.data or {}).get("shared", {}))
    shared = {k: v for k, v in before.items() if k not in declared}
    shared.update({k: v for k, v in values.items() if k in declared})
    data = {**(stored.data or {}), "shared": shared}
    changed = sorted(k for k in declared if before.get(k) != shared.get(k))
    _save_draft(
        actor=actor,
        stored=stored,
        step="shared",
        changed=changed,
        data=data,
        current_step=max(stored.current_step, 2),
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def theme_case_save_member_step(
    *, actor: User, case: ThemeCase, member_key: str, step_key: str, values: dict, revision: int
) -> ThemeCase:
    """Store one step of a member's own fields (those no shared field answers)."""
    stored = _locked_draft(actor, case, revision)
    plan = theme_plan(stored.version, stored.answers)
    member = next((m for m in plan.members if m.key == member_key), None)
    if member is None or step_key not in member.own_fields:
        raise ValidationError(_("This step does not belong to the application."))
    own = set(member.own_fields[step_key])
    members = dict((stored.data or {}).get("members", {}))
    before = dict(members.get(member_key, {}))
    after = {k: v for k, v in before.items() if k not in own}
    after.update({k: v for k, v in values.items() if k in own})
    members[member_key] = after
    changed = sorted(k for k in own if before.get(k) != after.get(k))
    _save_draft(
        actor=actor,
        stored=stored,
        step=f"{member_key}:{step_key}",
        changed=changed,
        data={**(stored.data or {}), "members": members},
    )
    case.refresh_from_db()
    return case


# --- Materials, once ----------------------------------------------------------------------------


def _check_case_slot(case: ThemeCase, member_key: str, material_key: str):
    if case.status != ThemeCaseStatus.DRAFT:
        raise UploadRejected(
            "not_editable", _("The materials of this application can no longer be changed.")
        )
    slot = case_material_slots(theme_plan(case.version, case.answers)).get(
        (member_key, material_key)
    )
    if slot is None:
        raise UploadRejected("unknown_material", _("This service does not ask for that material."))
    return slot


def _replace_slot(*, actor, case, attachment: ThemeCaseAttachment, event: str, changes: dict):
    previous = list(
        ThemeCaseAttachment.objects.filter(
            case=case, member_key=attachment.member_key, material_key=attachment.material_key
        )
    )
    replaced = previous[0] if previous else None
    replaced_pk = replaced.pk if replaced else None
    for old in previous:
        name = old.file.name
        old.delete()
        delete_case_file_after_commit(name)
    attachment.save(force_insert=True)
    audit_record(
        action=event,
        actor=actor,
        obj=case,
        on_behalf_of=on_behalf_of(case),
        changes={
            "attachment": [replaced_pk, attachment.pk],
            "member": [None, attachment.member_key],
            "material_key": [None, attachment.material_key],
            "display_name": [replaced.display_name if replaced else None, attachment.display_name],
            **changes,
        },
    )


def theme_case_upload(
    *,
    actor: User,
    case: ThemeCase,
    material_key: str,
    uploaded_file,
    member_key: str = "",
) -> ThemeCaseAttachment:
    """Inspect, scan and store ``uploaded_file`` once for the material ``material_key`` (a shared
    material when ``member_key`` is empty, else that member's own material), replacing the slot's
    previous file. As ``attachment_upload``: ``PermissionDenied`` for someone who may not edit
    the case, ``UploadRejected`` with a message for anything else (a hostile file included); the
    slow inspection and scan run before the transaction."""
    policy.require_theme_case_edit(actor, case)
    _check_case_slot(case, member_key, material_key)
    inspected = inspect_upload(uploaded_file)
    scan_result = scan_upload(uploaded_file, label=f"theme_case:{case.pk}/{material_key}")
    attachment = ThemeCaseAttachment(
        case=case,
        member_key=member_key,
        material_key=material_key,
        display_name=inspected.display_name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        scan_result=scan_result,
        uploaded_by=actor,
    )
    uploaded_file.seek(0)
    attachment.file.save(inspected.display_name, uploaded_file, save=False)
    try:
        with transaction.atomic():
            locked = ThemeCase.objects.select_for_update().select_related("version").get(pk=case.pk)
            _check_case_slot(locked, member_key, material_key)
            _replace_slot(
                actor=actor,
                case=locked,
                attachment=attachment,
                event="theme_case.material_uploaded",
                changes={
                    "size": [None, inspected.size],
                    "sha256": [None, inspected.sha256],
                    "content_type": [None, inspected.content_type],
                    "scan_result": [None, scan_result],
                },
            )
    except BaseException:
        default_storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def theme_case_cite_licence(
    *, actor: User, case: ThemeCase, member_key: str, material_key: str, licence: Licence
) -> ThemeCaseAttachment:
    """Cite one of the applicant's licences for a member's own material (材料复用)."""
    policy.require_theme_case_edit(actor, case)
    locked = ThemeCase.objects.select_for_update().select_related("version").get(pk=case.pk)
    slot = _check_case_slot(locked, member_key, material_key)
    licence = Licence.objects.select_related("item").get(pk=licence.pk)
    problem = cited_licence_problem(application=locked, material=slot.material, licence=licence)
    if problem:
        raise UploadRejected("licence_not_citable", problem)
    attachment = ThemeCaseAttachment(
        case=locked,
        member_key=member_key,
        material_key=material_key,
        cited_licence=licence,
        display_name=licence.number,
        uploaded_by=actor,
    )
    _replace_slot(
        actor=actor,
        case=locked,
        attachment=attachment,
        event="theme_case.licence_cited",
        changes={"cited_licence": [None, licence.pk]},
    )
    return attachment


@transaction.atomic
def theme_case_remove_material(*, actor: User, attachment: ThemeCaseAttachment) -> None:
    """Empty a material slot of a draft case (the file goes once the change is committed)."""
    case = attachment.case
    policy.require_theme_case_edit(actor, case)
    locked = ThemeCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != ThemeCaseStatus.DRAFT:
        raise UploadRejected(
            "not_editable", _("The materials of this application can no longer be changed.")
        )
    attachment = ThemeCaseAttachment.objects.get(pk=attachment.pk, case=locked)
    pk, name = attachment.pk, attachment.file.name
    attachment.delete()
    delete_case_file_after_commit(name)
    audit_record(
        action="theme_case.material_removed",
        actor=actor,
        obj=locked,
        on_behalf_of=on_behalf_of(locked),
        changes={
            "attachment": [pk, None],
            "member": [attachment.member_key, None],
            "material_key": [attachment.material_key, None],
        },
    )


def delete_case_file_after_commit(name: str) -> None:
    """Delete a case's stored file after the commit, unless an attachment still names it."""
    if not name:
        return
    transaction.on_commit(lambda: delete_case_file_if_unused(name))


def delete_case_file_if_unused(name: str) -> bool:
    if case_file_in_use(name):
        return False
    default_storage.delete(name)
    return True


# --- Submit -------------------------------------------------------------------------------------


def theme_case_problems(case: ThemeCase, plan: ThemePlan) -> ThemeCaseIncomplete | None:
    """Everything that stops the case from being submitted, or ``None``: the questions, the
    shared fields, each member's form as it will be filed, and every required material."""
    field_errors: dict[str, list[str]] = {}
    _, answer_errors = clean_answers(case.version, case.answers or {})
    for key, text in answer_errors.items():
        field_errors[f"question:{key}"] = [text]
    if not plan.members:
        field_errors["question:"] = [_("Your answers need no service: nothing to apply for.")]
    for name, messages in dynamic_forms.validate_application_data(
        shared_schema(plan.shared_fields), shared_values(case)
    ).items():
        field_errors[f"shared:{name}"] = messages
    for member in plan.members:
        data = member_data(case, member)
        # Fields filled from a prerequisite's licence once it is issued are not known yet.
        later = getattr(member, "from_licence", {})
        for name, messages in dynamic_forms.validate_application_data(
            member.version.form_schema, data
        ).items():
            if name in later:
                continue
            shared = member.shared_field_of.get(name)
            key = f"shared:{shared}" if shared else f"{member.key}:{name}"
            field_errors.setdefault(key, [])
            field_errors[key] += [m for m in messages if m not in field_errors[key]]
    attached = {
        (a.member_key, a.material_key)
        for a in case.attachments.select_related("cited_licence")
        if a.cited_licence is None or a.cited_licence.in_force()
    }
    missing = []
    for material in plan.shared_materials:
        if material.required and ("", material.key) not in attached:
            missing.append(("", material.key, material.name))
    for member in plan.members:
        replaced = commitment_replaced_materials(
            member.version.commitment_scheme, member_data(case, member)
        )
        for material in member.own_materials:
            if (
                material.required
                and (member.key, material.key) not in attached
                and material.key not in replaced
            ):
                missing.append((member.key, material.key, material.name))
    if field_errors or missing:
        return ThemeCaseIncomplete(field_errors=field_errors, missing_materials=missing)
    return None


def _check_applicant_kind(case: ThemeCase, plan: ThemePlan) -> None:
    """Each member must be open to the case's kind of applicant — except a member that waits for
    a prerequisite: it is filed on the strength of what that one grants (a person opening a
    restaurant registers the business, and the food licence that only a business may hold
    follows the registration and cites its licence)."""
    for member in plan.members:
        allowed = member.version.for_businesses if case.business_id else member.version.for_persons
        if not allowed and not member.waits_for:
            raise ValidationError(
                _("%(service)s cannot be applied for by this kind of applicant.")
                % {"service": member.version.name}
            )


def _next_case_number(code: str, day: datetime.date) -> str:
    """``<theme code>-<YYYYMMDD>-<sequence>``, counted per theme and day like an item's."""
    sequence = counter_next(TrackingCounter, item_code=code, day=day)
    return f"{code}-{day:%Y%m%d}-{sequence:05d}"


def theme_case_submit(*, actor: User, case: ThemeCase, idempotency_key: str) -> ThemeCase:
    """Submit the case once: one tracking number and query code for the case, and each member
    the answers need filed as its own submitted application. The same ``idempotency_key``
    returns the case it already submitted. The returned case carries ``query_code`` on the call
    that submitted it (``None`` on a repeat); only its hash is stored."""
    policy.require_theme_case_submit(actor, case)
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValidationError(_("The form has expired. Please review the application again."))
    with transaction.atomic(), audit_chain_append():
        locked = (
            ThemeCase.objects.select_for_update(of=("self",))
            .select_related("version__item", "version__lead_department", "person", "business")
            .get(pk=case.pk)
        )
        if locked.status != ThemeCaseStatus.DRAFT:
            if locked.idempotency_key == idempotency_key:
                locked.query_code = None
                return locked
            raise ValidationError(_("This application has already been submitted."))
        previous = ThemeCase.objects.filter(
            created_by_id=locked.created_by_id, idempotency_key=idempotency_key
        ).first()
        if previous is not None and policy.may_view_theme_case(actor, previous):
            previous.query_code = None
            return previous

        plan = theme_plan(locked.version, locked.answers)
        _check_applicant_kind(locked, plan)
        problems = theme_case_problems(locked, plan)
        if problems is not None:
            raise problems

        now = timezone.now()
        day = china_date(now)
        query_code = new_query_code()
        query_code_hash = hash_query_code(query_code)
        materials = list(locked.attachments.all())
        members = [
            _file_member(
                actor=actor,
                case=locked,
                member=member,
                materials=materials,
                now=now,
                day=day,
                query_code_hash=query_code_hash,
            )
            for member in plan.members
        ]
        # The case's number last: its counter row stays locked until the commit.
        tracking_number = _next_case_number(locked.version.item.code, day)
        ThemeCase.objects.filter(pk=locked.pk).update(
            status=ThemeCaseStatus.SUBMITTED,
            tracking_number=tracking_number,
            query_code_hash=query_code_hash,
            idempotency_key=idempotency_key,
            submitted_at=now,
            received_on=day,
            revision=F("revision") + 1,
            updated_at=now,
        )
        locked.refresh_from_db()
        audit_record(
            action="theme_case.submitted",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            changes={
                "status": [ThemeCaseStatus.DRAFT, ThemeCaseStatus.SUBMITTED],
                "tracking_number": [None, tracking_number],
                "received_on": [None, day],
                "members": [None, {m.theme_member_key: m.tracking_number for m in members}],
            },
        )
        _issue_case_receipt(actor=actor, case=locked, plan=plan, lead=members[0], now=now)
        transaction.on_commit(  # robust: stored by now; a notice's failure is only logged
            lambda: _notify_case_submitted(locked.pk, query_code=query_code, actor_pk=actor.pk),
            robust=True,
        )
    locked.query_code = query_code
    return locked


def _file_member(
    *, actor, case: ThemeCase, member, materials, now, day, query_code_hash
) -> Application:
    """One member as its own application: its data, its materials (the same stored files), and
    the submission through the lifecycle's one path (its own tracking number and due dates)."""
    application = Application.objects.create(
        service_version=member.version,
        applicant_kind=case.applicant_kind,
        person=case.person,
        business=case.business,
        created_by=case.created_by,
        status=ApplicationStatus.DRAFT,
        data=member_data(case, member),
        theme_case=case,
        theme_member_key=member.key,
    )
    attachments = []
    for stored in materials:
        if stored.member_key == "":
            targets = [t for t, s in member.shared_material_of.items() if s == stored.material_key]
        elif stored.member_key == member.key:
            targets = [stored.material_key]
        else:
            targets = []
        attachments += [
            Attachment(
                application=application,
                material_key=target,
                file=stored.file.name,
                cited_licence_id=stored.cited_licence_id,
                display_name=stored.display_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                scan_result=stored.scan_result,
                uploaded_by_id=stored.uploaded_by_id,
            )
            for target in targets
        ]
    Attachment.objects.bulk_create(attachments)
    sequence = counter_next(TrackingCounter, item_code=member.version.item.code, day=day)
    tracking_number = f"{member.version.item.code}-{day:%Y%m%d}-{sequence:05d}"
    return application_transition(
        actor=actor,
        application=application,
        action="submit",
        event="application.submitted",
        fields={
            "tracking_number": tracking_number,
            # One query code for the whole case: it finds each member as well.
            "query_code_hash": query_code_hash,
            "submitted_at": now,
            "received_on": day,
        },
        changes={
            "tracking_number": [None, tracking_number],
            "received_on": [None, day],
            "theme_case": [None, case.pk],
        },
    )


def _issue_case_receipt(*, actor, case: ThemeCase, plan: ThemePlan, lead, now) -> None:
    """One receipt (材料接收凭证) for the whole case, filed with its first member: every
    service applied for, every material received once."""
    local = china_time(now)
    names = {}
    for material in plan.shared_materials:
        names[("", material.key)] = (material.name_zh, material.name_en)
    for member in plan.members:
        for material in member.own_materials:
            names[(member.key, material.key)] = (material.name_zh, material.name_en)
    materials = [
        {"zh": names[key][0], "en": names[key][1], "count": 1}
        for key in ((a.member_key, a.material_key) for a in case.attachments.all())
        if key in names
    ]
    document_issue(
        application=lead,
        kind=DocumentKind.RECEIPT,
        source_key=f"theme_case:{case.pk}",
        actor=actor,
        department=case.version.lead_department,  # 一窗受理: the one window received it all
        extra={
            "submitted_at_zh": f"{local.year}年{local.month}月{local.day}日{local:%H:%M}",
            "submitted_at_en": f"{local:%Y-%m-%d %H:%M} (Beijing time)",
            "at_counter": False,
            "query_code": "",
            "materials": materials,
            "theme": {
                "tracking_number": case.tracking_number,
                "zh": case.version.name_zh,
                "en": case.version.name_en,
                "members": [
                    {"zh": m.version.name_zh, "en": m.version.name_en} for m in plan.members
                ],
            },
        },
    )


@transaction.atomic
def _notify_case_submitted(case_pk: int, *, query_code: str, actor_pk: int) -> None:
    case = ThemeCase.objects.select_related("version", "created_by", "person__user").get(pk=case_pk)
    actor = User.objects.get(pk=actor_pk)
    first = case.members.order_by("pk").first()
    count = case.members.count()
    for user in applicant_users(case, actor):
        notify(
            user=user,
            application=first,
            private_text=query_code_text(query_code),
            **notice_theme_case_submitted(case, count=count).fields(),
        )
    # 一窗受理: the clerks of the window that receives the lead department's matters.
    notify_many(
        users=case_window_clerks(case),
        application=first,
        **notice_window_theme_case_submitted(case, count=count).fields(),
    )


# --- Withdraw, discard --------------------------------------------------------------------------


def theme_case_withdraw(*, actor: User, case: ThemeCase, reason: str) -> ThemeCase:
    """Withdraw a submitted case with a reason: every member not yet decided is withdrawn
    (each through its own withdrawal, which its window is told of); decided ones stay."""
    policy.require_theme_case_edit(actor, case)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you withdraw the application.")]})
    with transaction.atomic():
        locked = ThemeCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != ThemeCaseStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted application can be withdrawn."))
        open_members = list(
            Application.objects.filter(theme_case=locked, status__in=OPEN_STATUSES).order_by("pk")
        )
        if not open_members:
            raise ValidationError(
                _("Only a submitted application that is not yet decided can be withdrawn.")
            )
        for member in open_members:
            application_withdraw(actor=actor, application=member, reason=reason)
        ThemeCase.objects.filter(pk=locked.pk).update(
            status=ThemeCaseStatus.WITHDRAWN,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
        )
        audit_record(
            action="theme_case.withdrawn",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            reason=reason,
            changes={
                "status": [ThemeCaseStatus.SUBMITTED, ThemeCaseStatus.WITHDRAWN],
                "members": [None, [m.theme_member_key for m in open_members]],
            },
        )
    locked.refresh_from_db()
    return locked


def theme_case_discard_draft(*, actor: User, case: ThemeCase) -> None:
    """Delete a draft case never submitted, with its uploaded files."""
    policy.require_theme_case_edit(actor, case)
    with transaction.atomic():
        locked = ThemeCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != ThemeCaseStatus.DRAFT:
            raise ValidationError(_("Only a draft can be discarded."))
        names = [a.file.name for a in locked.attachments.all() if a.file]
        audit_record(
            action="theme_case.draft_discarded",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            changes={"status": [ThemeCaseStatus.DRAFT, None]},
        )
        locked.delete()
        for name in names:
            delete_case_file_after_commit(name)


# --- One rating (一键评价) ------------------------------------------------------------------------


def theme_case_rate(
    *, actor: User, case: ThemeCase, grade: int, comment: str = ""
) -> list[ServiceRating]:
    """One rating for the case: a rating of each decided member, reaching each department
    (a bad grade opens each one's rectification, as a single rating does). Once."""
    policy.require_theme_case_edit(actor, case)
    if grade not in range(1, 6):
        raise ValidationError({"grade": _("Choose a grade from 1 to 5.")})
    with transaction.atomic():
        locked = ThemeCase.objects.select_for_update().get(pk=case.pk)
        if locked.rated_at is not None:
            raise ValidationError(_("You have already rated this application."))
        members = list(Application.objects.filter(theme_case=locked).order_by("pk"))
        ratable = [m for m in members if may_be_rated(m)]
        if not ratable or any(m.status in OPEN_STATUSES for m in members):
            raise ValidationError(
                {"grade": _("You can rate the services once every one of them has been decided.")}
            )
        ratings = [
            rating_submit(actor=actor, application=m, grade=grade, comment=comment) for m in ratable
        ]
        now = timezone.now()
        ThemeCase.objects.filter(pk=locked.pk).update(rated_at=now)
        audit_record(
            action="theme_case.rated",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            changes={
                "grade": [None, grade],
                "ratings": [None, [r.pk for r in ratings]],
                "rated_at": [None, now],
            },
        )
    return ratings


# --- 一窗出件: the certificates as one set ------------------------------------------------------


def theme_case_deliver(*, actor: User, case: ThemeCase) -> list:
    """The case's issued certificates and decisions handed over as one set: with delivery
    "together" only once no member is open any more, otherwise as each is ready. Each document
    handed over is recorded as downloaded, and the set once for the case."""
    policy.require_theme_case_view(actor, case)
    members = case_members(case)
    documents = [d for d in case_certificates(case) if d.sha256]
    if not case_delivery_ready(case, members) or not documents:
        raise ValidationError(_("The certificates are not ready yet."))
    with transaction.atomic():
        for document in documents:
            document_record_download(actor=actor, document=document)
        audit_record(
            action="theme_case.certificates_delivered",
            actor=actor,
            obj=case,
            on_behalf_of=on_behalf_of(case),
            changes={"documents": [None, [d.number for d in documents]]},
        )
    return documents


def theme_case_certificates_zip(*, actor: User, case: ThemeCase) -> bytes:
    """一窗出件 as one file: the documents ``theme_case_deliver`` hands over, in one ZIP (one
    PDF each, named by its document number), for the page and the API alike."""
    documents = theme_case_deliver(actor=actor, case=case)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            with document.file.open("rb") as handle:
                archive.writestr(f"{document.number}.pdf", handle.read())
    return buffer.getvalue()
