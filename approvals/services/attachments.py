"""Attaching materials to an application and removing them.

One current attachment per material slot: uploading again replaces the file. Every upload is
inspected (``approvals.security.uploads``) and scanned (``approvals.security.scanning``) before
anything is stored, and is stored through Django's default storage under a generated name, never
under the user's
filename and never under a URL (``MEDIA_URL`` is ``None``; files leave only through
``approvals.views.attachments.attachment_download``).
"""

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.domain.lifecycle import AWAITING_SUPPLEMENT
from approvals.models import Application, ApplicationStatus, Attachment, Licence
from approvals.security.scanning import scan_upload
from approvals.security.uploads import UploadRejected, inspect_upload
from approvals.selectors import policy
from approvals.selectors.theme_cases import case_file_in_use
from approvals.selectors.theme_intake import member_file_in_use
from audit.chain import audit_record


def _slot_open_for_upload(application: Application, material_key: str) -> bool:
    """Whether the applicant may change the attachment in this slot now.

    Drafts, and an application awaiting a supplement (at the window or during review) for the
    materials its open supplement notice (一次性告知) lists only; every upload and deletion
    follows this function.
    """
    if application.status == ApplicationStatus.DRAFT:
        return True
    if application.status in AWAITING_SUPPLEMENT:
        # Only the materials the open supplement notice lists (issue 4, intake).
        request = application.supplement_requests.filter(answered_at__isnull=True).first()
        return request is not None and any(
            item.get("material") == material_key for item in request.items
        )
    if application.status in (
        ApplicationStatus.ACCEPTED_WITH_PLEDGE,
        ApplicationStatus.UNDER_REVIEW,
    ):
        # The material of an open pledge (容缺受理), until it is handed in or lapses.
        return _open_pledges(application, material_key).exists()
    return False


def _open_pledges(application: Application, material_key: str):
    return application.pledges.filter(
        material_key=material_key,
        fulfilled_at__isnull=True,
        lapsed_at__isnull=True,
        cancelled_at__isnull=True,
    )


def _on_behalf_of(application: Application) -> str:
    return f"business:{application.business_id}" if application.business_id else ""


def _delete_file_after_commit(name: str) -> None:
    # After commit: a rollback must not leave a row pointing at a deleted file. A cited licence
    # (材料复用) has no file.
    if not name:
        return
    transaction.on_commit(lambda: _delete_unused_file(name))


def _delete_unused_file(name: str) -> None:
    # One stored file may fill the slots of several members of a one-thing case (一套材料): a
    # shared material of the case (themes/...) or a supplement upload shared by the members that
    # asked for it (attachments/...); it goes only with the last row that uses it.
    if not (case_file_in_use(name) or member_file_in_use(name)):
        default_storage.delete(name)


def attachment_upload(
    *, actor: User, application: Application, material_key: str, uploaded_file
) -> Attachment:
    """Inspect, scan and store ``uploaded_file`` as the material ``material_key`` of
    ``application``, replacing the slot's previous file. Raises ``PermissionDenied`` for a user
    who may not edit the application and ``UploadRejected`` (with a message for the user) for
    anything else.

    The slow parts (inspection, the virus scan, writing the file) run before the transaction:
    on SQLite a transaction holds the database's write lock, and a scan can take seconds. The
    state is checked again under the lock.
    """
    policy.require_application_edit(actor, application)
    _check_slot(application, material_key)
    inspected = inspect_upload(uploaded_file)
    scan_result = scan_upload(uploaded_file, label=f"application:{application.pk}/{material_key}")

    attachment = Attachment(
        application=application,
        material_key=material_key,
        display_name=inspected.display_name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        scan_result=scan_result,
        uploaded_by=actor,
    )
    # ``attachment_path`` generates the stored name; the user's name is only passed along.
    uploaded_file.seek(0)
    attachment.file.save(inspected.display_name, uploaded_file, save=False)
    try:
        with transaction.atomic():
            _store(actor=actor, attachment=attachment, inspected=inspected)
    except BaseException:
        default_storage.delete(attachment.file.name)
        raise
    return attachment


def _check_slot(application: Application, material_key: str) -> None:
    if not _slot_open_for_upload(application, material_key):
        raise UploadRejected(
            "not_editable", _("The materials of this application can no longer be changed.")
        )
    if not application.service_version.materials.filter(key=material_key).exists():
        raise UploadRejected("unknown_material", _("This service does not ask for that material."))


def _store(*, actor: User, attachment: Attachment, inspected) -> None:
    # Locked, so that two uploads into one slot at once leave one current attachment.
    application = Application.objects.select_for_update().get(pk=attachment.application_id)
    _check_slot(application, attachment.material_key)
    previous = list(
        Attachment.objects.filter(application=application, material_key=attachment.material_key)
    )
    # Described before deletion, which clears the primary key.
    replaced = previous[0] if previous else None
    replaced_pk = replaced.pk if replaced else None
    attachment.save(force_insert=True)
    for old in previous:
        old.delete()
        _delete_file_after_commit(old.file.name)
    audit_record(
        action="attachment.uploaded",
        actor=actor,
        obj=application,
        on_behalf_of=_on_behalf_of(application),
        changes={
            "attachment": [replaced_pk, attachment.pk],
            "material_key": [None, attachment.material_key],
            "display_name": [replaced.display_name if replaced else None, inspected.display_name],
            "size": [replaced.size if replaced else None, inspected.size],
            "sha256": [replaced.sha256 if replaced else None, inspected.sha256],
            "content_type": [replaced.content_type if replaced else None, inspected.content_type],
            "scan_result": [None, attachment.scan_result],
        },
    )
    pledges = list(_open_pledges(application, attachment.material_key).select_for_update())
    if pledges:
        now = timezone.now()
        _open_pledges(application, attachment.material_key).update(fulfilled_at=now)
        audit_record(
            action="pledge.fulfilled",
            actor=actor,
            obj=application,
            on_behalf_of=_on_behalf_of(application),
            changes={
                "pledges": [None, [pledge.pk for pledge in pledges]],
                "material_key": [None, attachment.material_key],
                "fulfilled_at": [None, now],
            },
        )


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    """Remove an attachment from its slot (the file goes once the change is committed)."""
    application = attachment.application
    policy.require_application_edit(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_slot(application, attachment.material_key)
    attachment = Attachment.objects.get(pk=attachment.pk, application=application)
    attachment_pk, stored_name = attachment.pk, attachment.file.name
    attachment.delete()
    _delete_file_after_commit(stored_name)
    audit_record(
        action="attachment.deleted",
        actor=actor,
        obj=application,
        on_behalf_of=_on_behalf_of(application),
        changes={
            "attachment": [attachment_pk, None],
            "material_key": [attachment.material_key, None],
            "display_name": [attachment.display_name, None],
            "sha256": [attachment.sha256, None],
        },
    )


def attachment_record_download(*, actor: User, attachment: Attachment) -> None:
    """Record that ``actor`` took a copy of the file (who saw what, for supervisors)."""
    policy.require_attachment_download(actor, attachment.application)
    audit_record(
        action="attachment.downloaded",
        actor=actor,
        obj=attachment.application,
        on_behalf_of=_on_behalf_of(attachment.application),
        changes={
            "attachment": [None, attachment.pk],
            "material_key": [None, attachment.material_key],
            "display_name": [None, attachment.display_name],
            "sha256": [None, attachment.sha256],
        },
    )


def slot_fill(
    *, application: Application, material_key: str, **fields
) -> tuple[Attachment, Attachment | None]:
    """Put a new attachment (``fields``) in the slot of the locked ``application``, replacing
    what it held (a replaced file goes after commit, once nothing uses it). Returns the new
    attachment and the one it replaced. The caller checks the slot and records the event."""
    previous = list(Attachment.objects.filter(application=application, material_key=material_key))
    replaced = previous[0] if previous else None
    attachment = Attachment.objects.create(
        application=application, material_key=material_key, **fields
    )
    for old in previous:
        stored_name = old.file.name
        old.delete()
        _delete_file_after_commit(stored_name)
    return attachment, replaced


# --- 材料复用: a licence from the register instead of an upload ---------------------------


def citation_fields(licence, uploaded_by) -> dict:
    """An attachment that cites ``licence`` instead of a file."""
    return {
        "cited_licence": licence,
        "display_name": licence.number,
        "content_type": "",
        "size": 0,
        "sha256": "",
        "scan_result": "",
        "uploaded_by": uploaded_by,
    }


def citation_changes(attachment: Attachment, replaced: Attachment | None) -> dict:
    """What the event of a citation (``attachment.licence_cited``) records."""
    return {
        "attachment": [replaced.pk if replaced else None, attachment.pk],
        "material_key": [None, attachment.material_key],
        "display_name": [replaced.display_name if replaced else None, attachment.display_name],
        "cited_licence": [None, attachment.cited_licence_id],
    }


def cited_licence_problem(*, application: Application, material, licence) -> str:
    """Why ``licence`` cannot stand in for ``material`` in ``application``, or ``""``: it must
    be held by the application's applicant, be in force today, and be of the service item the
    material names (``Material.reusable_licence_item_code``)."""
    if not material.reusable_licence_item_code:
        return _("A licence cannot stand in for this material.")
    if application.business_id is not None:
        held = licence.business_id == application.business_id
    else:
        held = licence.holder_kind == "person" and licence.person_id == application.person_id
    if not held:
        return _("This licence is not held by the applicant.")
    if licence.item.code != material.reusable_licence_item_code:
        return _("This licence is not of the kind this material asks for.")
    if not licence.in_force():
        return _("Licence %(number)s is not valid (%(status)s).") % {
            "number": licence.number,
            "status": licence.effective_status_label.lower(),
        }
    return ""


@transaction.atomic
def attachment_cite_licence(
    *, actor: User, application: Application, material_key: str, licence
) -> Attachment:
    """Cite ``licence`` for the material ``material_key`` instead of uploading a file, replacing
    whatever the slot held. Raises ``UploadRejected`` (with a message for the user) when the
    slot is closed or the licence cannot stand in."""

    policy.require_application_edit(actor, application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_slot(application, material_key)
    material = application.service_version.materials.get(key=material_key)
    licence = Licence.objects.select_related("item").get(pk=licence.pk)
    problem = cited_licence_problem(application=application, material=material, licence=licence)
    if problem:
        raise UploadRejected("licence_not_citable", problem)
    attachment, replaced = slot_fill(
        application=application, material_key=material_key, **citation_fields(licence, actor)
    )
    audit_record(
        action="attachment.licence_cited",
        actor=actor,
        obj=application,
        on_behalf_of=_on_behalf_of(application),
        changes=citation_changes(attachment, replaced),
    )
    return attachment


@transaction.atomic
def attachment_share(
    *, actor: User, source: Attachment, application: Application, material_key: str
) -> Attachment:
    """Attach the file already stored (and inspected) for ``source`` to ``application``'s slot
    ``material_key`` too, replacing what the slot held: a one-thing case's material uploaded
    once fills every member that needs it (一套材料)."""
    policy.require_application_edit(actor, application)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _check_slot(locked, material_key)
    shared, replaced = slot_fill(
        application=locked,
        material_key=material_key,
        file=source.file.name,
        cited_licence=source.cited_licence,
        display_name=source.display_name,
        content_type=source.content_type,
        size=source.size,
        sha256=source.sha256,
        scan_result=source.scan_result,
        uploaded_by=actor,
    )
    audit_record(
        action="attachment.shared",
        actor=actor,
        obj=locked,
        on_behalf_of=_on_behalf_of(locked),
        changes={
            "attachment": [replaced.pk if replaced else None, shared.pk],
            "material_key": [None, material_key],
            "display_name": [replaced.display_name if replaced else None, shared.display_name],
            "sha256": [None, shared.sha256],
            "source": [None, source.pk],
        },
    )
    return shared
