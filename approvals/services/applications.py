"""Applying online: start a draft, save it step by step, submit it once, withdraw it.

Each function checks permission first, changes state in one transaction, records its audit event
in that transaction, and leaves email and SMS for after the commit (``notify``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Business, User
from approvals import dynamic_forms
from approvals.db.counters import counter_next
from approvals.domain.china_time import china_date, china_time
from approvals.domain.commitments import commitment_replaced_materials
from approvals.models import (
    OPEN_STATUSES,
    ApplicantKind,
    Application,
    ApplicationStatus,
    Attachment,
    DocumentKind,
    Material,
    ServiceVersion,
    TrackingCounter,
    VersionStatus,
)
from approvals.security.query_codes import hash_query_code, new_query_code
from approvals.selectors import policy
from approvals.selectors.applications import window_intake_clerks
from approvals.selectors.withdrawals import LicenceRevoked
from approvals.services.act_event import ActEvent
from approvals.services.documents import document_issue
from approvals.services.lifecycle import StaleApplication, application_transition, on_behalf_of
from approvals.services.notices import (
    notice_application_submitted,
    notice_application_withdrawn,
    notice_window_application_withdrawn,
    notice_window_new_application,
    query_code_text,
)
from approvals.services.notifications import (
    applicant_users,
    notify,
    notify_groups,
    notify_many,
)
from audit.chain import audit_chain_append, audit_record

# The last step of every application, after the schema's own steps: one upload slot per material.
MATERIALS_STEP = "materials"
MAX_IDEMPOTENCY_KEY_LENGTH = Application._meta.get_field("idempotency_key").max_length


class ApplicationIncomplete(ValidationError):
    """Submission refused: answers missing or wrong, or required materials not attached.
    ``field_errors`` maps a form field to its messages; ``missing_materials`` lists materials."""

    def __init__(self, *, field_errors: dict[str, list[str]], missing_materials: list[Material]):
        self.field_errors = field_errors
        self.missing_materials = missing_materials
        super().__init__(_("The application is not complete yet."), code="incomplete")


# --- Steps --------------------------------------------------------------------------------------


def step_keys(version: ServiceVersion) -> list[str]:
    """The keys of the application's steps, in order: the schema's steps, then the materials."""
    return [step.key for step in dynamic_forms.steps(version.form_schema)] + [MATERIALS_STEP]


def _step_fields(version: ServiceVersion, step_key: str) -> list[str]:
    for step in dynamic_forms.steps(version.form_schema):
        if step.key == step_key:
            return list(step.fields)
    return []


# --- Start --------------------------------------------------------------------------------------


@transaction.atomic
def application_start(
    *,
    actor: User,
    version: ServiceVersion,
    business: Business | None = None,
    act: ActEvent | None = None,
) -> Application:
    """A new draft for ``version``, as the actor themself or for ``business``, prefilled from the
    applicant's profile and the registries' data (一数一源). ``act``: the start is a step of a
    larger act (a licence's change or renewal), whose one event is about the new draft."""
    policy.require_can_apply_as(actor, business=business)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This service is not open for applications at the moment."))
    if business is not None and not version.for_businesses:
        raise ValidationError(_("Businesses cannot apply for this service."))
    if business is None and not version.for_persons:
        raise ValidationError(_("Only businesses can apply for this service."))
    person = getattr(actor, "person", None)
    prefill = dynamic_forms.prefill_values(
        version.form_schema, user=actor, person=person, business=business
    )
    application = Application.objects.create(
        service_version=version,
        applicant_kind=ApplicantKind.BUSINESS if business is not None else ApplicantKind.PERSON,
        person=person if business is None else None,
        business=business,
        created_by=actor,
        status=ApplicationStatus.DRAFT,
        data=prefill,
    )
    changes = {
        "status": [None, ApplicationStatus.DRAFT],
        "service_version": [None, version.pk],
        "prefilled": [None, sorted(prefill)],
    }
    if act is not None:
        act.obj = application
        act.add(changes, on_behalf_of=on_behalf_of(application))
        return application
    audit_record(
        action="application.started",
        actor=actor,
        obj=application,
        on_behalf_of=on_behalf_of(application),
        changes=changes,
    )
    return application


# --- Save a step (autosave) ---------------------------------------------------------------------


@transaction.atomic
def application_save_step(
    *,
    actor: User,
    application: Application,
    step_key: str,
    values: dict,
    revision: int,
    step_complete: bool = True,
) -> Application:
    """Merge one step's cleaned answers into the draft and move the draft's progress on.

    ``values`` replace every stored answer of the step (an answer the step no longer has, because
    a condition turned false, is dropped). ``step_complete=False`` saves a draft of a step that
    still has errors: the answers are kept, the progress does not move on.

    ``revision`` is the one the form was rendered with: if someone saved in between (another
    window, another device), nothing is written and ``StaleApplication`` carries the newer
    version. The revision is bumped by a conditional UPDATE, so that of two simultaneous saves
    exactly one wins.
    """
    policy.require_application_edit(actor, application)
    stored = Application.objects.select_related("service_version").get(pk=application.pk)
    if stored.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application has been submitted and can no longer change."))
    keys = step_keys(stored.service_version)
    if step_key not in keys:
        raise ValidationError(_("This step does not belong to the application."))
    if stored.revision != revision:
        raise StaleApplication(stored)

    step_fields = set(_step_fields(stored.service_version, step_key))
    data = {key: value for key, value in stored.data.items() if key not in step_fields}
    data.update({key: value for key, value in values.items() if key in step_fields})
    changed = sorted(
        key for key in step_fields if stored.data.get(key, _MISSING) != data.get(key, _MISSING)
    )
    current_step = stored.current_step
    if step_complete:
        current_step = max(current_step, keys.index(step_key) + 1)

    updated = Application.objects.filter(
        pk=stored.pk, revision=revision, status=ApplicationStatus.DRAFT
    ).update(
        data=data,
        current_step=current_step,
        revision=F("revision") + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise StaleApplication(Application.objects.get(pk=stored.pk))
    audit_record(
        action="application.step_saved",
        actor=actor,
        obj=stored,
        on_behalf_of=on_behalf_of(stored),
        # Names of the answers that changed, never their values (they may be personal data).
        changes={
            "step": [None, step_key],
            "fields": [None, changed],
            "revision": [revision, revision + 1],
            "current_step": [stored.current_step, current_step],
        },
    )
    application.refresh_from_db()
    return application


_MISSING = object()


# --- Submit -------------------------------------------------------------------------------------


def _attachments_with_citations(application: Application):
    """The application's attachments with their cited licences: as the caller prefetched them
    (submission reads them once for the check and the receipt), or read here."""
    if "attachments" in getattr(application, "_prefetched_objects_cache", {}):
        return application.attachments.all()
    return application.attachments.select_related("cited_licence")


def missing_materials(application: Application) -> list[Material]:
    """Required materials of the application's service with no attachment yet. A cited licence
    (材料复用) fills its slot only while it is in force: it is checked again at submission."""
    attached = {
        attachment.material_key
        for attachment in _attachments_with_citations(application)
        if attachment.cited_licence is None or attachment.cited_licence.in_force()
    }
    version = application.service_version
    # 告知承诺: the signed pledge stands in for the certificates the version names.
    replaced = commitment_replaced_materials(version.commitment_scheme, application.data)
    return [
        material
        for material in version.materials.all()  # by position
        if material.required and material.key not in attached and material.key not in replaced
    ]


def application_problems(application: Application) -> ApplicationIncomplete | None:
    """Everything that stops the application from being submitted, or ``None``."""
    field_errors = dynamic_forms.validate_application_data(
        application.service_version.form_schema, application.data
    )
    materials = missing_materials(application)
    if field_errors or materials:
        return ApplicationIncomplete(field_errors=field_errors, missing_materials=materials)
    return None


def _next_tracking_number(item_code: str, day: datetime.date) -> str:
    """``<item code>-<YYYYMMDD>-<sequence>``, the sequence counting per item and day. The day's
    counter row stays locked until the commit: the caller keeps what follows short."""
    sequence = counter_next(TrackingCounter, item_code=item_code, day=day)
    return f"{item_code}-{day:%Y%m%d}-{sequence:05d}"


def application_submit(
    *, actor: User, application: Application, idempotency_key: str
) -> Application:
    """Submit the draft once. The same ``idempotency_key`` (a double click, a retried request)
    returns the application it already submitted, never a second one.

    The returned application carries ``query_code``: the six digits to show on the receipt, only
    on the call that submitted it (``None`` on a repeat); only its hash is stored.
    """
    policy.require_application_submit(actor, application)
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValidationError(_("The form has expired. Please review the application again."))
    # The audit events go into the chain at the end of the transaction: the chain's head, which
    # every writer of the portal shares, is held only for that
    # (audit.chain.audit_chain_append).
    with transaction.atomic(), audit_chain_append():
        # The row lock makes a second, simultaneous request wait here until the first commits,
        # and then see the application submitted with its key.
        # What the check and the receipt read (materials, attachments) is read once, here.
        locked = (
            Application.objects.select_for_update(of=("self",))
            # The audit's "on behalf of" and the receipt's applicant read the person or the
            # business: joined here rather than read one by one while the counters are held.
            .select_related("service_version__item__department", "person", "business")
            .prefetch_related(
                Prefetch("attachments", Attachment.objects.select_related("cited_licence")),
                "service_version__materials",
            )
            .get(pk=application.pk)
        )
        if locked.status != ApplicationStatus.DRAFT:
            if locked.idempotency_key == idempotency_key:
                locked.query_code = None
                return locked
            raise ValidationError(_("This application has already been submitted."))
        # The same key on another draft of the same filer: that submission, not a second one
        # (the key is unique per filer; looked up by that index).
        # Only its id is read: the key is almost always new, and the row is read only when not.
        previous_pk = (
            Application.objects.filter(
                created_by_id=locked.created_by_id, idempotency_key=idempotency_key
            )
            .values_list("pk", flat=True)
            .first()
        )
        if previous_pk is not None:
            previous = Application.objects.get(pk=previous_pk)
            if policy.may_view_application(actor, previous):
                previous.query_code = None
                return previous

        problems = application_problems(locked)
        if problems is not None:
            raise problems

        now = timezone.now()
        day = china_date(now)  # tracking numbers carry the day in China
        query_code = new_query_code()
        query_code_hash = hash_query_code(query_code)
        # From here to the commit the service's counter row for the day is locked: nothing slow.
        tracking_number = _next_tracking_number(locked.service_version.item.code, day)
        locked = application_transition(
            actor=actor,
            application=locked,
            row_locked=True,
            action="submit",
            event="application.submitted",
            fields={
                "tracking_number": tracking_number,
                "query_code_hash": query_code_hash,
                "idempotency_key": idempotency_key,
                "submitted_at": now,
                # The day of receipt (Art. 32) in China's time zone: the intake clock starts here.
                "received_on": day,
            },
            changes={"tracking_number": [None, tracking_number], "received_on": [None, day]},
        )
        _issue_receipt(
            actor=actor,
            application=locked,
            submitted_at=now,
            # A walk-in applicant may have no e-mail: their receipt carries the query code.
            query_code=query_code if locked.filed_at_counter else "",
        )
        # robust: the submission is stored once this runs; a failure to write its notices is
        # logged, never turned into an error page that tells the applicant it did not happen.
        transaction.on_commit(
            lambda: _notify_submitted(locked, query_code=query_code, actor=actor), robust=True
        )
    locked.query_code = query_code
    return locked


def _issue_receipt(
    *, actor: User, application: Application, submitted_at, query_code: str = ""
) -> None:
    """The submission receipt (材料接收凭证): what was received, and when; for a counter filing,
    the query code the walk-in applicant looks the progress up with."""

    names = {m.key: (m.name_zh, m.name_en) for m in application.service_version.materials.all()}
    counts: dict[str, int] = {}
    for attachment in _attachments_with_citations(application):
        counts[attachment.material_key] = counts.get(attachment.material_key, 0) + 1
    local = china_time(submitted_at)
    document_issue(
        application=application,
        kind=DocumentKind.RECEIPT,
        actor=actor,
        row_locked=True,
        # It was a draft until now, and a draft has no receipt: none to look for.
        none_yet=True,
        extra={
            "submitted_at_zh": f"{local.year}年{local.month}月{local.day}日{local:%H:%M}",
            "submitted_at_en": f"{local:%Y-%m-%d %H:%M} (Beijing time)",
            "at_counter": application.filed_at_counter,
            "query_code": query_code,
            "materials": [
                {"zh": names[key][0], "en": names[key][1], "count": count}
                for key, count in counts.items()
                if key in names
            ],
        },
    )


@transaction.atomic  # one commit for all the notifications, not one per row
def _notify_submitted(application: Application, *, query_code: str, actor: User) -> None:
    """After the commit: ``application`` is the row the submission locked and committed (with
    its service, item, department and person), ``actor`` who submitted it; neither is read
    again."""
    receipt = {
        **notice_application_submitted(application).fields(),
        "private_text": query_code_text(query_code),
    }
    # Every row in one statement; one task sends the email and SMS of everyone told (one
    # message to the broker).
    notify_groups(
        [
            (applicant_users(application, actor), application, receipt),
            (
                window_intake_clerks(application.service_version),
                application,
                notice_window_new_application(application).fields(),
            ),
        ]
    )


# --- Withdraw and discard -----------------------------------------------------------------------


def application_withdraw(
    *,
    actor: User,
    application: Application,
    reason: str,
    authorised: bool = False,
    revoked: LicenceRevoked | None = None,
) -> Application:
    """Withdraw a submitted application before the decision, with a reason. ``authorised``: the
    caller has checked the actor's authority itself (the department revoking the licence that
    the application changes or renews withdraws it: ``licence_revoke``, which says so in
    ``revoked``; ``reason`` is then the revocation's, and the event keeps the licence beside it
    so that each reader reads why in their own language)."""
    if not authorised:
        policy.require_application_edit(actor, application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you withdraw the application.")]})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == ApplicationStatus.WITHDRAWN:
            raise ValidationError(_("This application has already been withdrawn."))
        if locked.status not in OPEN_STATUSES:
            raise ValidationError(
                _("Only a submitted application that is not yet decided can be withdrawn.")
            )
        locked = application_transition(
            actor=actor,
            application=locked,
            action="withdraw",
            event="application.withdrawn",
            reason=reason,
            changes=revoked.changes() if revoked is not None else None,
        )
        transaction.on_commit(
            lambda: _notify_withdrawn(locked.pk, actor_pk=actor.pk, revoked=revoked, reason=reason),
            robust=True,
        )
    return locked


def _notify_withdrawn(
    application_pk: int, *, actor_pk: int, revoked: LicenceRevoked | None = None, reason: str = ""
) -> None:
    application = Application.objects.select_related(
        "service_version__item__department", "created_by", "person__user"
    ).get(pk=application_pk)
    # The department that revoked is not the applicant: it is not told as one.
    actor = User.objects.get(pk=actor_pk) if revoked is None else None
    withdrawn = notice_application_withdrawn(application, revoked=revoked, reason=reason)
    for user in applicant_users(application, actor):
        notify(user=user, application=application, **withdrawn.fields())
    notify_many(
        users=window_intake_clerks(application.service_version),
        application=application,
        **notice_window_application_withdrawn(application, revoked=revoked, reason=reason).fields(),
    )


def application_discard_draft(*, actor: User, application: Application) -> None:
    """Delete a draft that was never submitted, with its uploaded files."""
    policy.require_application_edit(actor, application)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.DRAFT:
            raise ValidationError(_("Only a draft can be discarded."))
        files = [attachment.file for attachment in locked.attachments.all() if attachment.file]
        audit_record(
            action="application.draft_discarded",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            changes={"status": [ApplicationStatus.DRAFT, None]},
        )
        locked.delete()
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files) -> None:
    for stored_file in files:
        stored_file.storage.delete(stored_file.name)
