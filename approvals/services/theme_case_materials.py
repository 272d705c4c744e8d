"""A 一件事 case's materials, each stored once: uploaded (inspected and scanned before the
transaction) or cited from one of the applicant's licences (材料复用), replaced or removed while
the case is a draft. A shared material is one stored file however many members map it; a file
is deleted after the commit only once no attachment names it any more.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.models import Licence, ThemeCase, ThemeCaseAttachment, ThemeCaseStatus
from approvals.security.scanning import scan_upload
from approvals.security.uploads import UploadRejected, inspect_upload
from approvals.selectors import policy
from approvals.selectors.theme_cases import case_file_in_use, case_material_slots
from approvals.selectors.themes import theme_plan
from approvals.services.attachments import cited_licence_problem
from approvals.services.lifecycle import on_behalf_of
from audit.chain import audit_record


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
