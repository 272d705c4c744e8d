"""Submitting a 一件事 case once: what still stops it (``theme_case_problems``, which the review
page shows too), then one tracking number and query code for the case, and each member the
answers need filed as its own ``Application`` of its service's published version (its own
department, time limit and decision), with the shared answers mapped onto its schema and the
case's materials attached — the same stored file for every member that maps a shared material.
One receipt for the whole case; the applicant and the window are told after the commit.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from approvals import dynamic_forms
from approvals.db.counters import counter_next
from approvals.domain.china_time import china_date, china_time
from approvals.domain.commitments import commitment_replaced_materials
from approvals.models import (
    Application,
    ApplicationStatus,
    Attachment,
    DocumentKind,
    ThemeCase,
    ThemeCaseStatus,
    TrackingCounter,
)
from approvals.security.query_codes import hash_query_code, new_query_code
from approvals.selectors import policy
from approvals.selectors.theme_cases import member_data, shared_schema, shared_values
from approvals.selectors.themes import ThemePlan, theme_plan
from approvals.services.documents import document_issue
from approvals.services.lifecycle import application_transition, on_behalf_of
from approvals.services.notices import (
    notice_theme_case_submitted,
    notice_window_theme_case_submitted,
    query_code_text,
)
from approvals.services.notifications import applicant_users, notify, notify_many
from approvals.services.theme_case_drafts import clean_answers
from approvals.services.theme_intake import case_window_clerks
from audit.chain import audit_chain_append, audit_record

MAX_IDEMPOTENCY_KEY_LENGTH = ThemeCase._meta.get_field("idempotency_key").max_length


class ThemeCaseIncomplete(ValidationError):
    """Submission refused. ``field_errors`` maps ``"shared:<field>"`` and ``"<member>:<field>"``
    to messages; ``missing_materials`` lists ``(member key or "", material key, name)``."""

    def __init__(self, *, field_errors: dict[str, list[str]], missing_materials: list[tuple]):
        self.field_errors = field_errors
        self.missing_materials = missing_materials
        super().__init__(_("The application is not complete yet."), code="incomplete")


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
