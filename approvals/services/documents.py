"""Issued documents (DESIGN.md §2; Art. 32, 38, 42, 44): issue, render and seal, correct, download,
verify.

``document_issue`` runs inside the caller's transaction (acceptance, refusal, decision …): it
freezes the printed facts in ``Document.context`` in both languages, gives the document its
number, records ``document.issued`` and queues the render on the ``pdf`` queue after commit. The
render task calls ``document_render``, which does nothing when the file exists (idempotent). An
issued file never changes: ``document_correct`` issues a new edition that supersedes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts import identifiers
from accounts.models import Department, User
from approvals.db.counters import counter_next
from approvals.domain.china_time import china_today
from approvals.models import (
    CERTIFICATE_KINDS,
    ApplicantKind,
    Application,
    Document,
    DocumentCounter,
    DocumentKind,
    DocumentStatus,
    Licence,
    LicenceStatus,
)
from approvals.models.documents import document_path
from approvals.selectors import policy
from audit.chain import audit_record
from portal.queueing import enqueue_on_commit, task_named

logger = logging.getLogger("portal.documents")

MAX_REASON_LENGTH = 2000
# A document whose render has not finished this long after issue is queued again by the sweep.
RENDER_GRACE = dt.timedelta(minutes=2)
RENDER_TASK = "approvals.tasks.document_render_task"

# Title (Chinese, English) and the word of the document number (榕市监许〔2026〕12号).
KINDS: dict[str, tuple[str, str, str]] = {
    DocumentKind.RECEIPT: ("申请材料接收凭证", "Receipt of application", "收"),
    DocumentKind.ACCEPTANCE_NOTICE: ("受理通知书", "Notice of acceptance", "受"),
    DocumentKind.REFUSAL_NOTICE: ("不予受理通知书", "Notice of refusal to accept", "不受"),
    DocumentKind.SUPPLEMENT_NOTICE: (
        "补正材料通知书",
        "Notice to supplement the application (one-time notice)",
        "补",
    ),
    DocumentKind.EXTENSION_NOTICE: (
        "延长审批期限通知书",
        "Notice of extension of the time limit",
        "延",
    ),
    DocumentKind.APPROVAL_DECISION: ("准予行政许可决定书", "Decision to grant the licence", "许"),
    DocumentKind.DENIAL_DECISION: ("不予行政许可决定书", "Decision to deny the licence", "不许"),
    DocumentKind.LICENCE_CERTIFICATE: ("许可证", "Licence", "证"),
    DocumentKind.BUSINESS_LICENCE: ("营业执照", "Business licence", "照"),
    DocumentKind.REVOCATION_DECISION: (
        "撤销行政许可决定书",
        "Decision to revoke an administrative licence",
        "撤",
    ),
    DocumentKind.CANCELLATION_DECISION: (
        "注销行政许可决定书",
        "Decision to cancel an administrative licence",
        "注",
    ),
    DocumentKind.COMMITMENT_LETTER: ("告知承诺书", "Letter of pledge", "诺"),
}


def date_zh(value: dt.date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


def date_en(value: dt.date | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day} {value:%B} {value.year}"


def _counter_next(key: str, year: int, *, start=lambda: 0, count: int = 1) -> int:
    """The next number of a yearly sequence, race-safe as the tracking numbers are
    (``approvals.db.counters.counter_next``). ``start`` gives the last value of a sequence that has
    no row yet (called only then). ``count``: that many numbers at once, the last returned."""
    return counter_next(
        DocumentCounter, key=key, year=year, defaults={"last_value": start}, count=count
    )


def _highest_issued(stem: str) -> int:
    """The highest sequence already printed after ``stem`` (榕市监许〔2026〕), 0 for none: where a
    sequence starts, numbers issued under an earlier key of the counter are not handed out again."""
    highest = 0
    for number in Document.objects.filter(number__startswith=stem).values_list("number", flat=True):
        digits = number[len(stem) :].removesuffix("号")
        if digits.isdigit():
            highest = max(highest, int(digits))
    return highest


def _document_number(department: Department, kind: str, year: int) -> str:
    return _document_numbers(department, kind, year, 1)[0]


def _document_numbers(department: Department, kind: str, year: int, count: int) -> list[str]:
    """``count`` consecutive numbers of the ``kind`` documents ``department`` issues in ``year``,
    taken in one step of the counter."""
    word = KINDS[kind][2]
    # 发文字号: the agency's short name where it has one (榕市监许〔2026〕12号), else its code.
    prefix = department.document_prefix or department.code.upper()[:30]
    # The sequence is the printed stem's (prefix and word, which names the kind), not the
    # department's: prefixes are not unique, and two departments sharing one share its numbers.
    stem = f"{prefix}{word}〔{year}〕"
    last = _counter_next(
        f"doc:{prefix}{word}", year, start=lambda: _highest_issued(stem), count=count
    )
    return [f"{stem}{sequence}号" for sequence in range(last - count + 1, last + 1)]


def licence_number(department: Department, year: int) -> str:
    sequence = _counter_next(f"licence:{department.pk}", year)
    return f"{department.code.upper()[:30]}-{year}-{sequence:06d}"


def _applicant_facts(application: Application) -> dict:
    """The applicant as printed: full name (the document is theirs), ID number masked."""
    if application.applicant_kind == ApplicantKind.BUSINESS and application.business_id:
        business = application.business
        return {
            "kind": "business",
            "name": business.name,
            "identifier": business.uscc,  # public data (the licence register shows it)
            "identifier_label_zh": "统一社会信用代码",
            "identifier_label_en": "Unified Social Credit Code",
        }
    person = application.person
    return {
        "kind": "person",
        "name": person.real_name if person else "",
        "identifier": identifiers.mask_id_number(person.id_number) if person else "",
        "identifier_label_zh": "身份证号码",
        "identifier_label_en": "Resident ID number",
    }


def _facts(application: Application, kind: str, department: Department, issued_on) -> dict:
    version = application.service_version
    title_zh, title_en, _word = KINDS[kind]
    return {
        "kind": kind,
        "title_zh": title_zh,
        "title_en": title_en,
        "department": {"code": department.code, "zh": department.name_zh, "en": department.name_en},
        "service": {
            "code": version.item.code,
            "zh": version.name_zh,
            "en": version.name_en,
            "legal_basis_zh": version.legal_basis_zh,
            "legal_basis_en": version.legal_basis_en,
        },
        "tracking_number": application.tracking_number or "",
        "applicant": _applicant_facts(application),
        "issued_on": issued_on.isoformat(),
        "received_on": application.received_on.isoformat() if application.received_on else "",
        "accepted_on": application.accepted_on.isoformat() if application.accepted_on else "",
        "decided_on": application.decided_on.isoformat() if application.decided_on else "",
        "decision_due_on": (
            application.decision_due_on.isoformat() if application.decision_due_on else ""
        ),
        "decision_due_provisional": application.decision_due_provisional,
        "deemed_accepted": application.deemed_accepted,
        "statutory_limit_days": version.statutory_limit_days,
        "promised_limit_days": version.promised_limit_days,
    }


def _json_safe(value):
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _schedule_render(document: Document) -> None:
    enqueue_on_commit(RENDER_TASK, document.pk)


@transaction.atomic
def document_issue(
    *,
    application: Application,
    kind: str,
    source_key: str = "",
    actor: User | None = None,
    extra: dict | None = None,
    licence: Licence | None = None,
    department: Department | None = None,
    row_locked: bool = False,
    none_yet: bool = False,
) -> Document:
    """Issue the ``kind`` document of ``application`` for ``source_key`` once; a repeat returns
    the first. Called by the services of each step, inside their transaction, after their own
    permission check (this function has none of its own: nobody calls it from a view).
    ``department``: the issuing department when it is not the service's own (the department
    that decided a joint matter). ``row_locked``: ``application`` is the row the caller's
    transaction has locked and changed, with its service, item and department loaded (as
    ``application_transition`` returns it): its facts are printed as they are, not read again.
    ``none_yet``: the caller knows there can be no such document yet (a submission's receipt: a
    draft has none), so none is looked for."""
    [issued] = documents_issue(
        applications=[application],
        kind=kind,
        source_key=source_key,
        actor=actor,
        extras={application.pk: extra} if extra else None,
        licence=licence,
        department=department,
        row_locked=row_locked,
        none_yet=none_yet,
    )
    if issued.issued_now:
        issued.record()
    return issued.document


@dataclass
class IssuedDocument:
    """A document ``documents_issue`` gave out: ``issued_now`` when this call issued it (else an
    earlier one did), and its ``document.issued`` event, recorded by ``record`` (when the caller
    puts it in its place among the act's events)."""

    document: Document
    issued_now: bool
    actor: User | None = None

    def record(self) -> None:
        document = self.document
        audit_record(
            action="document.issued",
            actor=self.actor,
            obj=document,
            changes={
                "application": [None, document.application_id],
                "kind": [None, document.kind],
                "number": [None, document.number],
                "source": [None, document.source_key],
            },
        )


def documents_issue(
    *,
    applications: list[Application],
    kind: str,
    source_key: str = "",
    actor: User | None = None,
    extras: dict | None = None,
    licence: Licence | None = None,
    department: Department | None = None,
    row_locked: bool = False,
    none_yet: bool = False,
) -> list[IssuedDocument]:
    """``document_issue`` for several applications at once (the sweep's deemed acceptances): one
    read for those issued already, one step of each counter, one insert; in the order of
    ``applications``. ``extras``: each application's ``extra``, by its id. Their
    ``document.issued`` events are the caller's to record (``IssuedDocument.record``), each in
    its place among its act's; their renders are queued after commit. Inside the caller's
    transaction (``document_issue``'s, the acceptance's)."""
    source_key = str(source_key or "")
    existing: dict[int, Document] = {}
    if not none_yet:
        for document in Document.objects.filter(
            application_id__in=[application.pk for application in applications],
            kind=kind,
            source_key=source_key,
            edition=1,
        ).order_by("pk"):
            existing.setdefault(document.application_id, document)
    new = [application for application in applications if application.pk not in existing]
    if new and not row_locked:
        fresh = Application.objects.select_related(
            "service_version__item__department", "person", "business"
        ).in_bulk([application.pk for application in new])
        new = [fresh[application.pk] for application in new]
    issued_on = china_today()
    by_department: dict[int, list[Application]] = {}
    departments: dict[int, Department] = {}
    for application in new:
        issuer = department or application.service_version.item.department
        departments[issuer.pk] = issuer
        by_department.setdefault(issuer.pk, []).append(application)
    created: dict[int, Document] = {}
    for department_id, issued_by_it in by_department.items():
        issuer = departments[department_id]
        numbers = _document_numbers(issuer, kind, issued_on.year, len(issued_by_it))
        for application, number in zip(issued_by_it, numbers, strict=True):
            context = _facts(application, kind, issuer, issued_on)
            context.update(_json_safe((extras or {}).get(application.pk) or {}))
            # The number last: its counter row stays locked until the commit.
            context["number"] = number
            created[application.pk] = Document(
                application=application,
                kind=kind,
                source_key=source_key,
                department=issuer,
                licence=licence,
                number=number,
                context=context,
                issued_by=actor if actor is not None and actor.pk else None,
            )
    ordered = [created[application.pk] for application in new if application.pk in created]
    if len(ordered) == 1:
        ordered[0].save(force_insert=True)
    elif ordered:
        Document.objects.bulk_create(ordered)
    for document in ordered:
        _schedule_render(document)
    return [
        IssuedDocument(existing[application.pk], issued_now=False)
        if application.pk in existing
        else IssuedDocument(created[application.pk], issued_now=True, actor=actor)
        for application in applications
    ]


def supplement_notice_issue(*, request, actor: User | None) -> Document:
    """The one-time supplement notice (补正材料通知书) of ``request``, every item with its
    material's name in both languages; whoever asked (window, reviewer, the pledge sweep)."""
    application = request.application
    materials = {m.key: m for m in application.service_version.materials.all()}
    properties = application.service_version.form_schema.get("properties", {})

    def names(item) -> tuple[str, str]:
        if item.get("field"):  # a corrected answer asked for, named as the form names it
            prop = properties.get(item["field"], {})
            return prop.get("x-title-zh") or prop.get("title", ""), prop.get("title", "")
        material = materials.get(item.get("material"))
        return getattr(material, "name_zh", ""), getattr(material, "name_en", "")

    return document_issue(
        application=application,
        kind=DocumentKind.SUPPLEMENT_NOTICE,
        source_key=str(request.pk),
        actor=actor,
        extra={
            "items": [
                {
                    "material_zh": names(item)[0],
                    "material_en": names(item)[1],
                    "problem": item["problem"],
                }
                for item in request.items
            ],
            "reply_by": request.reply_by,
            "during_review": request.during_review,
        },
    )


def verification_url(document: Document) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/verify/{document.verification_code}/"


def document_html(document: Document) -> str:
    """The document as HTML, from its frozen facts (autoescaped: applicant text stays text)."""
    from approvals.documents.rendering import qr_data_uri, render_html

    facts = document.context
    dates = {
        name: {"zh": date_zh(facts.get(name)), "en": date_en(facts.get(name))}
        for name in ("issued_on", "received_on", "accepted_on", "decided_on", "decision_due_on")
    }
    return render_html(
        f"documents/{document.kind}.html",
        {
            "doc": facts,
            "dates": dates,
            "extra_dates": {
                name: {"zh": date_zh(facts.get(name)), "en": date_en(facts.get(name))}
                for name in (
                    "reply_by",
                    "new_due_on",
                    "valid_from",
                    "valid_to",
                    "old_valid_to",
                    "signed_on",
                )
            },
            "number": document.number,
            "edition": document.edition,
            "supersedes": document.supersedes.number if document.supersedes_id else "",
            "verification_code": document.verification_code,
            "verification_url": verification_url(document),
            "qr": qr_data_uri(verification_url(document)),
        },
    )


def document_render(*, document_id: int) -> Document:
    """Render and seal the PDF once. A document that has its file is returned as it is.

    The render runs outside any transaction (a fraction of a second that must not hold a write
    lock: on SQLite it would block every other writer); the result is stored under the row lock,
    unless another worker stored its own meanwhile, which then stands.
    """
    from approvals.documents.rendering import html_to_pdf
    from approvals.documents.sealing import seal_pdf

    document = Document.objects.select_related("department", "supersedes").get(pk=document_id)
    if document.sha256:
        return document
    pdf = seal_pdf(
        html_to_pdf(document_html(document)),
        department=document.department,
        reason=f"{document.context.get('title_zh', '')} {document.number}",
    )
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.sha256:
            return document
        document.file.save(document_path(document, ""), ContentFile(pdf), save=False)
        document.sha256 = digest
        document.size = len(pdf)
        document.signed = True
        document.rendered_at = timezone.now()
        fields = ["file", "sha256", "size", "signed", "rendered_at"]
        if document.context.pop("query_code", None) is not None:
            # A walk-in's receipt prints the query code; once printed, the database keeps only
            # its hash (on the application), never the code itself.
            fields.append("context")
        document.save(update_fields=fields)
        audit_record(
            action="document.rendered",
            obj=document,
            changes={"sha256": [None, digest], "size": [None, len(pdf)], "signed": [False, True]},
        )
    return document


def documents_render_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Queue again every document left without its file (a lost task); the render task is
    idempotent, so a document queued twice is rendered once. Uses ``document_unrendered``."""
    document_render_task = task_named(RENDER_TASK)
    cutoff = (now or timezone.now()) - RENDER_GRACE
    ids = list(
        Document.objects.filter(sha256="", issued_at__lt=cutoff)
        .order_by("issued_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        document_render_task.delay(pk)
    return ids


@transaction.atomic
def document_correct(
    *, actor: User, document: Document, reason: str, changes: dict | None = None
) -> Document:
    """Correct an issued document: a new edition with the corrected facts supersedes it (the
    issued file itself never changes)."""
    policy.require_document_correct(actor, document)
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    if not reason:
        raise ValidationError({"reason": [_("Say what the correction corrects.")]})
    old = Document.objects.select_for_update().get(pk=document.pk)
    if old.status != DocumentStatus.VALID:
        raise ValidationError(_("Only a valid document can be corrected."))
    issued_on = china_today()
    context = {**old.context, **_json_safe(changes or {}), "issued_on": issued_on.isoformat()}
    corrected = Document.objects.create(
        application_id=old.application_id,
        kind=old.kind,
        source_key=old.source_key,
        edition=old.edition + 1,
        supersedes=old,
        licence_id=old.licence_id,
        department_id=old.department_id,
        number=_document_number(old.department, old.kind, issued_on.year),
        context=context,
        issued_by=actor,
    )
    corrected.context["number"] = corrected.number
    corrected.save(update_fields=["context"])
    register_changes = _correct_register(old, changes or {})
    old.status = DocumentStatus.SUPERSEDED
    old.status_reason = reason
    old.status_changed_at = timezone.now()
    old.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        action="document.corrected",
        actor=actor,
        obj=corrected,
        reason=reason,
        changes={
            "supersedes": [None, old.number],
            "edition": [old.edition, corrected.edition],
            "corrected": [None, sorted((changes or {}).keys())],
            **register_changes,
        },
    )
    _schedule_render(corrected)
    return corrected


# What a corrected certificate also corrects in the register (what the certificate prints).
REGISTER_FIELDS = ("holder_name", "scope_zh", "scope_en")
# The facts a department may correct on each kind (its page offers these).
CORRECTABLE_FACTS: dict[str, tuple[str, ...]] = {
    DocumentKind.LICENCE_CERTIFICATE: REGISTER_FIELDS,
    DocumentKind.BUSINESS_LICENCE: REGISTER_FIELDS,
    DocumentKind.APPROVAL_DECISION: ("remarks",),
    DocumentKind.DENIAL_DECISION: ("reasons",),
    DocumentKind.REFUSAL_NOTICE: ("reasons",),
    DocumentKind.REVOCATION_DECISION: ("reasons", "holder_name"),
    DocumentKind.CANCELLATION_DECISION: ("reasons", "holder_name"),
}


def _correct_register(document: Document, changes: dict) -> dict:
    """A corrected certificate corrects its licence's entry alike; the changes, for the audit."""
    fields = {k: str(v) for k, v in changes.items() if k in REGISTER_FIELDS}
    if document.kind not in CERTIFICATE_KINDS or document.licence_id is None or not fields:
        return {}
    licence = Licence.objects.select_for_update().get(pk=document.licence_id)
    before = {name: getattr(licence, name) for name in fields}
    for name, value in fields.items():
        setattr(licence, name, value)
    licence.save(update_fields=list(fields))
    return {f"licence.{name}": [before[name], value] for name, value in fields.items()}


@transaction.atomic
def document_record_download(*, actor: User, document: Document) -> None:
    audit_record(
        action="document.downloaded",
        actor=actor,
        obj=document,
        changes={"number": [None, document.number], "sha256": [None, document.sha256]},
    )


# --- Public verification ----------------------------------------------------------------------


PUBLIC_STATUS_LABELS = {
    "valid": gettext_lazy("Valid"),
    "superseded": gettext_lazy("Superseded"),
    "revoked": gettext_lazy("Revoked"),
    # 注销 (Art. 70), not 撤销: "Cancelled" alone is an application's 已取消.
    "cancelled": pgettext_lazy("licence register", "Cancelled"),
    "expired": gettext_lazy("Expired"),
}


def document_public_status(document: Document, *, today: dt.date | None = None) -> str:
    """valid, superseded, revoked, cancelled or expired — what a verifier is told. A cancelled
    licence (注销, Art. 70) is not a revoked one (撤销, Art. 69), though its certificates are
    marked revoked when it is cancelled."""
    licence = document.licence
    if licence is not None and licence.status == LicenceStatus.REVOKED:
        return "revoked"
    if licence is not None and licence.status == LicenceStatus.CANCELLED:
        return "cancelled"
    if document.status == DocumentStatus.REVOKED:
        return "revoked"
    if document.status == DocumentStatus.SUPERSEDED or (
        licence is not None and licence.status == LicenceStatus.SUPERSEDED
    ):
        return "superseded"
    if licence is not None and licence.valid_to and licence.valid_to < (today or china_today()):
        return "expired"
    return "valid"


@transaction.atomic
def document_record_verification(
    *, document: Document | None, code: str, outcome: str, actor: User | None = None
) -> None:
    """``document.verified``: who looked a code up (the client IP comes with the request) and
    what they were told: the status, or whether an uploaded copy matched."""
    audit_record(
        action="document.verified",
        actor=actor if actor is not None and actor.is_authenticated else None,
        obj=document,
        object_type="" if document is not None else "approvals.document",
        object_id="" if document is not None else code[:40],
        changes={"outcome": [None, outcome]},
    )


def sha256_of_upload(upload, *, max_bytes: int) -> str | None:
    """The SHA-256 of an uploaded file read in chunks, or ``None`` when it is larger than
    ``max_bytes`` (read no further than that)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            return None
        digest.update(chunk)
    return digest.hexdigest()
