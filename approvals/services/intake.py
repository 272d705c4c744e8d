"""Intake at the service window (一窗受理, Art. 32 of the Administrative Licensing Law).

The window clerk decides on a submitted application: accept it (review starts), accept it with a
pledge for a minor missing material (容缺受理), ask once for everything that is missing or wrong
(一次性告知; the clock pauses until the applicant answers), or refuse acceptance with reasons and
the competent agency. The applicant answers a supplement notice once. A clerk may also file an
application for a walk-in applicant at the counter.

Each service checks permission first (``policy.require_intake_clerk``), locks the application,
checks the revision the clerk's form was rendered with (``StaleApplication``), changes the status
only through ``application_transition``, records an ``intake.*`` audit event, and notifies.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import identifiers
from accounts.models import Business, PersonProfile, User
from accounts.registries import legal_person_registry, population_registry
from approvals import dynamic_forms
from approvals.domain.china_time import china_today
from approvals.domain.lifecycle import AWAITING_SUPPLEMENT, Action
from approvals.models import (
    ApplicantKind,
    Application,
    ClockPause,
    DocumentKind,
    PauseKind,
    Pledge,
    ReviewTask,
    ServiceVersion,
    SupplementRequest,
    VersionStatus,
)
from approvals.models.review import TaskStatus
from approvals.selectors import policy
from approvals.selectors.applications import window_intake_clerks
from approvals.services.acceptance import Acceptance, application_accept
from approvals.services.applications import (
    StaleApplication,
    application_submit,
)
from approvals.services.attachments import attachment_upload
from approvals.services.deadlines import (
    clock_pause_end,
    clock_pause_start,
    pause_changes,
)
from approvals.services.documents import (
    date_en,
    date_zh,
    document_issue,
    supplement_notice_issue,
)
from approvals.services.lifecycle import application_transition
from approvals.services.notices import (
    notice_application_accepted,
    notice_application_accepted_with_pledge,
    notice_application_refused,
    notice_supplement_received,
    notice_supplement_requested,
)
from approvals.services.notifications import notify_many, tell_applicant
from approvals.services.supplement_items import (
    supplement_item_changes,
    supplement_item_lines,
    supplement_items_clean,
)
from audit.chain import audit_record

MAX_REASON_LENGTH = 2000


def _lock(application: Application, revision: int | None) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service_version__item__department", "created_by", "person__user")
        .get(pk=application.pk)
    )
    if revision is not None and locked.revision != revision:
        raise StaleApplication(locked)
    return locked


def _not_a_case_member(application: Application) -> None:
    # 一窗受理: the members of a one-thing case are decided on together, as the case
    # (``services/theme_intake.py``), never one by one.
    if application.theme_case_id is not None:
        raise ValidationError(
            _("This application is part of a one-thing case: decide on the case as a whole.")
        )


def _material_names(version: ServiceVersion) -> dict[str, str]:
    return {material.key: material.name for material in version.materials.all()}


# --- Accept -------------------------------------------------------------------------------------


@transaction.atomic
def intake_accept(*, actor: User, application: Application, revision: int) -> Application:
    """Accept the application (受理): the statutory decision period starts today and the first
    review stage fans out."""
    policy.require_intake_clerk(actor, application)
    locked = _lock(application, revision)
    _not_a_case_member(locked)
    accepted_on = china_today()
    return application_accept(
        actor=actor,
        application=locked,
        acceptance=Acceptance(
            action=Action.ACCEPT, event="intake.accepted", accepted_on=accepted_on
        ),
        applicant_notice=notice_application_accepted(locked, accepted_on=accepted_on),
    )


@transaction.atomic
def intake_accept_with_pledge(
    *,
    actor: User,
    application: Application,
    revision: int,
    material_key: str,
    due_on: dt.date,
    note: str = "",
) -> Application:
    """Accept with a minor, non-core material missing (容缺受理) against the applicant's pledge to
    hand it in by ``due_on``. The sweep follows the pledge up when it falls due."""
    policy.require_intake_clerk(actor, application)
    locked = _lock(application, revision)
    _not_a_case_member(locked)
    material = locked.service_version.materials.filter(key=material_key).first()
    errors: dict[str, list] = {}
    if material is None:
        errors["material_key"] = [_("Choose one of the service's materials.")]
    if due_on is None or due_on <= china_today():
        errors["due_on"] = [_("The pledged date must be in the future.")]
    if errors:
        raise ValidationError(errors)
    # The pledge first, so that the one event of the act names it (a refused transition rolls
    # it back with everything else).
    pledge = Pledge.objects.create(
        application=locked, material_key=material_key, due_on=due_on, created_by=actor
    )
    acceptance = Acceptance(
        action=Action.ACCEPT_WITH_PLEDGE,
        event="intake.accepted_with_pledge",
        accepted_on=china_today(),
        reason=(note or "").strip()[:MAX_REASON_LENGTH],
        changes={
            "pledge": [None, pledge.pk],
            "material": [None, material_key],
            "due_on": [None, due_on],
        },
        notice_extra={
            "pledge": {
                "material_zh": material.name_zh,
                "material_en": material.name_en,
                "due_zh": date_zh(due_on),
                "due_en": date_en(due_on),
            }
        },
    )
    return application_accept(
        actor=actor,
        application=locked,
        acceptance=acceptance,
        applicant_notice=notice_application_accepted_with_pledge(
            locked, material=material, due_on=due_on
        ),
    )


# --- Supplement notice (一次性告知) ---------------------------------------------------------------


@transaction.atomic
def intake_request_supplement(
    *,
    actor: User,
    application: Application,
    revision: int,
    items: list[dict],
    reply_by: dt.date,
) -> SupplementRequest:
    """The one-time notice (Art. 32(4)): every missing or defective item at once, with a date to
    reply by. The clock pauses until the applicant answers (Art. 45)."""
    policy.require_intake_clerk(actor, application)
    locked = _lock(application, revision)
    _not_a_case_member(locked)
    cleaned = supplement_items_clean(locked.service_version, items)
    if reply_by is None or reply_by <= china_today():
        raise ValidationError({"reply_by": [_("The reply date must be in the future.")]})
    # The notice first, so that the one event of the act names it.
    request = SupplementRequest.objects.create(
        application=locked, items=cleaned, reply_by=reply_by, requested_by=actor
    )
    # The clock pauses in the same act (Art. 45); the act's one event names the pause.
    pause = clock_pause_start(
        actor=actor,
        application=locked,
        kind=PauseKind.SUPPLEMENT,
        reason=_("Waiting for the applicant's supplement (one-time notice)."),
        recorded_by_caller=True,
    )
    locked = application_transition(
        actor=actor,
        application=locked,
        action=Action.REQUEST_SUPPLEMENT,
        event="intake.supplement_requested",
        changes={
            **supplement_item_changes(cleaned),
            "supplement_request": [None, request.pk],
            "reply_by": [None, reply_by],
            **pause_changes(pause),
        },
    )
    supplement_notice_issue(request=request, actor=actor)
    item_lines = supplement_item_lines(locked.service_version, cleaned)
    tell_applicant(
        locked,
        **notice_supplement_requested(locked, reply_by=reply_by, item_lines=item_lines).fields(),
    )
    return request


# --- Refuse acceptance ----------------------------------------------------------------------------


def refusal_clean(reasons: str, competent_agency: str, not_our_matter: bool) -> tuple[str, str]:
    """The reasons and the competent agency of a refusal, or ``ValidationError``: reasons are
    required, and the agency when the matter is not this agency's (Art. 32(1))."""
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
    return reasons, competent_agency


def application_refuse(
    *,
    actor: User,
    application: Application,
    reasons: str,
    competent_agency: str,
    not_our_matter: bool,
    changes: dict | None = None,
) -> Application:
    """The refusal itself (reasons already checked by ``refusal_clean``): the status change with
    its event, and the written refusal notice. Returns the application refreshed."""
    refused = application_transition(
        actor=actor,
        application=application,
        action=Action.REFUSE_ACCEPTANCE,
        event="intake.refused",
        reason=reasons,
        changes={
            **(changes or {}),
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
    return refused


@transaction.atomic
def intake_refuse(
    *,
    actor: User,
    application: Application,
    revision: int,
    reasons: str,
    competent_agency: str = "",
    not_our_matter: bool = False,
) -> Application:
    """Refuse acceptance with reasons (Art. 32(1)); when the matter is not this agency's, the
    applicant must be told which agency is competent."""
    policy.require_intake_clerk(actor, application)
    locked = _lock(application, revision)
    _not_a_case_member(locked)
    reasons, competent_agency = refusal_clean(reasons, competent_agency, not_our_matter)
    locked = application_refuse(
        actor=actor,
        application=locked,
        reasons=reasons,
        competent_agency=competent_agency,
        not_our_matter=not_our_matter,
    )
    tell_applicant(
        locked,
        **notice_application_refused(
            locked, reasons=reasons, competent_agency=competent_agency
        ).fields(),
    )
    return locked


# --- The applicant answers a supplement notice ---------------------------------------------------


def open_supplement_request(application: Application) -> SupplementRequest | None:
    return application.supplement_requests.filter(answered_at__isnull=True).first()


def supplement_fields(request: SupplementRequest) -> list[str]:
    """The form fields the notice asks the applicant to correct, in the notice's order."""
    return [item["field"] for item in request.items if item.get("field")]


def _clean_corrections(
    application: Application, request: SupplementRequest, corrections: dict | None
) -> dict:
    """The corrected answers for the notice's fields, validated as the form validates them
    (with every other answer as it stands, so that show-if rules hold)."""
    fields = supplement_fields(request)
    corrections = corrections or {}
    schema = application.service_version.form_schema
    merged = {**application.data, **{name: corrections.get(name) for name in fields}}
    merged = {name: value for name, value in merged.items() if value is not None}
    problems = dynamic_forms.validate_application_data(schema, merged)
    errors = {name: problems[name] for name in fields if name in problems}
    if errors:
        raise ValidationError(errors)
    return {name: merged.get(name) for name in fields}


def supplement_missing_materials(request: SupplementRequest) -> list[str]:
    """The listed materials that have no attachment uploaded after the notice yet."""
    keys = {item["material"] for item in request.items if item.get("material")}
    renewed = set(
        request.application.attachments.filter(
            material_key__in=keys, uploaded_at__gt=request.created_at
        ).values_list("material_key", flat=True)
    )
    return sorted(keys - renewed)


@transaction.atomic
def supplement_answer(
    *,
    actor: User,
    application: Application,
    comment: str = "",
    corrections: dict | None = None,
    tell: bool = True,
) -> Application:
    """Send the supplement, once: every listed material must have been uploaded again since the
    notice, and every listed field answered again (``corrections``, validated like the form).
    The corrected answers replace the old ones, and the notice keeps each before → after. The
    clock restarts and the application goes back to the window (or to review). ``tell=False``:
    the caller tells the window and the applicant once for several (a one-thing case)."""
    policy.require_application_edit(actor, application)
    locked = _lock(application, None)
    request = (
        SupplementRequest.objects.select_for_update()
        .filter(application=locked, answered_at__isnull=True)
        .first()
    )
    if request is None or locked.status not in AWAITING_SUPPLEMENT:
        raise ValidationError(_("There is no supplement to send for this application."))
    missing = supplement_missing_materials(request)
    if missing:
        names = _material_names(locked.service_version)
        raise ValidationError(
            {
                "materials": [
                    _("Upload “%(material)s” again before you send the supplement.")
                    % {"material": names.get(key, key)}
                    for key in missing
                ]
            }
        )
    corrected = _clean_corrections(locked, request, corrections)
    comment = (comment or "").strip()[:MAX_REASON_LENGTH]
    changes = {}
    for item in request.items:
        if item.get("field"):
            before = locked.data.get(item["field"])
            item["before"], item["after"] = before, corrected[item["field"]]
            if before != item["after"]:
                changes[f"data.{item['field']}"] = [before, item["after"]]
    request.answered_at = timezone.now()
    request.answer_comment = comment
    request.save(update_fields=["answered_at", "answer_comment", "items"])
    fields = {}
    if changes:
        fields["data"] = {**locked.data, **corrected}
    running_pause = ClockPause.objects.filter(
        application=locked, kind=PauseKind.SUPPLEMENT, ended_on__isnull=True
    ).exists()
    pause = (
        clock_pause_end(
            actor=actor,
            application=locked,
            kind=PauseKind.SUPPLEMENT,
            recorded_by_caller=True,
            tell=tell,
        )
        if running_pause
        else None
    )
    # One act, one event: the answer carries the status change, the corrected answers (each
    # ``data.<field>`` before → after) and the end of the pause.
    locked = application_transition(
        actor=actor,
        application=locked,
        action=Action.ANSWER_SUPPLEMENT,
        event="intake.supplement_answered",
        fields=fields,
        changes={
            "supplement_request": [None, request.pk],
            "answered_at": [None, request.answered_at],
            **changes,
            **(pause_changes(pause) if pause else {}),
        },
    )
    locked.refresh_from_db()
    if not tell:
        return locked
    if request.during_review:
        recipients = {}
        for task in ReviewTask.objects.filter(application=locked).select_related("assignee"):
            if task.assignee is not None and task.status == TaskStatus.OPEN:
                recipients[task.assignee_id] = task.assignee
        recipients.setdefault(request.requested_by_id, request.requested_by)
    else:
        recipients = {request.requested_by_id: request.requested_by}

        for clerk in window_intake_clerks(locked.service_version):
            recipients.setdefault(clerk.pk, clerk)
    notify_many(
        users=recipients.values(),
        application=locked,
        **notice_supplement_received(locked, during_review=request.during_review).fields(),
    )
    return locked


# --- Counter filing -------------------------------------------------------------------------------


def _counter_person(*, id_number: str, real_name: str, email: str) -> PersonProfile:
    """The applicant's profile: found by ID number, or created from the population registry with
    an account that has no usable password (the applicant claims it by resetting the password
    with ``email``)."""
    if not identifiers.is_valid_id_number(id_number):
        raise ValidationError({"id_number": [_("Enter a valid resident ID number.")]})
    record = population_registry().lookup_person(id_number)
    if record is None or record.is_deceased:
        raise ValidationError(
            {"id_number": [_("The population registry has no living person with this ID number.")]}
        )
    if record.name != real_name:
        raise ValidationError(
            {
                "real_name": [
                    _("The name does not match the population registry for this ID number.")
                ]
            }
        )
    profile = PersonProfile.objects.select_related("user").filter(id_number=id_number).first()
    if profile is not None:
        return profile
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError(
            {
                "email": [
                    _(
                        "This person has no account yet: give their email address, so that they "
                        "can claim the account by resetting its password."
                    )
                ]
            }
        )
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("An account with this email address already exists.")]})
    user = User(email=email, display_name=record.name)
    user.set_unusable_password()
    user.save()
    return PersonProfile.objects.create(
        user=user,
        real_name=record.name,
        id_number=id_number,
        gender=record.gender,
        birth_date=record.birth_date,
        address=record.address,
        verified_at=timezone.now(),
    )


def _counter_business(*, uscc: str, person: PersonProfile) -> Business:
    if not identifiers.is_valid_uscc(uscc):
        raise ValidationError({"business_uscc": [_("Enter a valid Unified Social Credit Code.")]})
    record = legal_person_registry().lookup_business(uscc)
    if record is None or not record.is_active:
        raise ValidationError(
            {
                "business_uscc": [
                    _("The legal-person registry has no active business with this code.")
                ]
            }
        )
    business = Business.objects.filter(uscc=uscc).first()
    if business is None:
        raise ValidationError(
            {"business_uscc": [_("This business has not registered with the portal yet.")]}
        )
    if record.legal_representative_id_number == person.id_number:
        return business
    membership = policy.active_membership(person.user, business)
    if membership is None:
        raise ValidationError(
            {
                "business_uscc": [
                    _(
                        "This person is neither the legal representative nor an agent of the "
                        "business."
                    )
                ]
            }
        )
    if not membership.may_apply:
        raise ValidationError(
            {
                "business_uscc": [
                    _(
                        "The business's administrator has not allowed this agent to apply "
                        "for the business."
                    )
                ]
            }
        )
    return business


@transaction.atomic
def counter_file(
    *,
    actor: User,
    service_version: ServiceVersion,
    id_number: str,
    real_name: str,
    business_uscc: str | None = None,
    email: str = "",
    data: dict,
    files: dict | None = None,
) -> Application:
    """File an application at the counter for a walk-in applicant and submit it at once.

    The identity is checked against the population registry (and the business against the
    legal-person registry). ``files`` maps a material key to an uploaded file.
    """
    probe = Application(service_version=service_version)
    policy.require_intake_clerk(actor, probe)
    if service_version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This service is not open for applications at the moment."))
    id_number = identifiers.normalize_id_number(id_number or "")
    real_name = (real_name or "").strip()
    person = _counter_person(id_number=id_number, real_name=real_name, email=email)
    business = None
    if business_uscc:
        if not service_version.for_businesses:
            raise ValidationError(_("Businesses cannot apply for this service."))
        business = _counter_business(uscc=business_uscc.strip().upper(), person=person)
    elif not service_version.for_persons:
        raise ValidationError(_("Only businesses can apply for this service."))
    application = Application.objects.create(
        service_version=service_version,
        applicant_kind=ApplicantKind.BUSINESS if business else ApplicantKind.PERSON,
        person=person if business is None else None,
        business=business,
        created_by=actor,
        filed_at_counter=True,
        data=data or {},
    )
    audit_record(
        action="intake.counter_filed",
        actor=actor,
        obj=application,
        on_behalf_of=f"business:{business.pk}" if business else f"person:{person.pk}",
        changes={
            "service_version": [None, service_version.pk],
            "applicant": [None, person.masked_id_number],
            "business": [None, business.pk if business else None],
        },
    )
    for material_key, uploaded in (files or {}).items():
        attachment_upload(
            actor=actor, application=application, material_key=material_key, uploaded_file=uploaded
        )
    return application_submit(
        actor=actor, application=application, idempotency_key=f"counter-{secrets.token_hex(16)}"
    )
