"""A case filled in through the services, as the pages fill it in; a member decided as its
department would decide it."""

from django.core.files.base import ContentFile

from approvals.domain.china_time import china_today
from approvals.models import Application, ApplicationStatus, Document, DocumentKind
from approvals.services.theme_case_drafts import (
    theme_case_save_answers,
    theme_case_save_member_step,
    theme_case_save_shared,
    theme_case_start,
)
from approvals.services.theme_case_materials import theme_case_upload
from tests.approvals.uploads.files import clean_pdf, upload


def filled_case(*, actor, version, sign=True, business=None):
    """A complete draft of the restaurant theme (tests/approvals/themes/conftest.py)."""
    case = theme_case_start(actor=actor, version=version, business=business)
    case = theme_case_save_answers(
        actor=actor, case=case, answers={"sign": sign}, revision=case.revision
    )
    case = theme_case_save_shared(
        actor=actor, case=case, values={"name": "老王餐馆"}, revision=case.revision
    )
    case = theme_case_save_member_step(
        actor=actor,
        case=case,
        member_key="registration",
        step_key="main",
        values={"capital": "100000"},
        revision=case.revision,
    )
    case = theme_case_save_member_step(
        actor=actor,
        case=case,
        member_key="food",
        step_key="main",
        values={"seats": "40"},
        revision=case.revision,
    )
    theme_case_upload(actor=actor, case=case, material_key="lease", uploaded_file=pdf("lease.pdf"))
    for member, material in (("registration", "identity"), ("food", "kitchen_layout")):
        theme_case_upload(
            actor=actor,
            case=case,
            member_key=member,
            material_key=material,
            uploaded_file=pdf(f"{material}.pdf"),
        )
    case.refresh_from_db()
    return case


def pdf(name="scan.pdf"):
    return upload(clean_pdf(), name=name)


def decide_member(member: Application, status=ApplicationStatus.APPROVED) -> Document | None:
    """Given: the member decided by its department, with its decision PDF rendered."""
    Application.objects.filter(pk=member.pk).update(status=status, decided_on=china_today())
    kind = (
        DocumentKind.APPROVAL_DECISION
        if status == ApplicationStatus.APPROVED
        else DocumentKind.DENIAL_DECISION
    )
    document = Document(
        application=member,
        kind=kind,
        department=member.service_version.item.department,
        number=f"DEC-{member.pk:05d}",
        context={},
        sha256="0" * 64,
    )
    document.file.save(f"{member.pk}.pdf", ContentFile(b"%PDF-1.4 decision"), save=False)
    document.save()
    return document
