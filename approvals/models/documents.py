"""Issued documents (notices, decisions, certificates) and the electronic licence register.

A document is issued once and never changes (DESIGN.md §2, 电子证照): its facts are frozen in
``context`` at issue time, its PDF is rendered and sealed by a Celery task, and a correction
issues a new document that supersedes it. Anyone can check a document by its verification code.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Verification codes: no 0/O, 1/I/L, so that a code read aloud or typed from paper is unambiguous.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_CODE_LENGTH = 16


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Submission receipt")
    ACCEPTANCE_NOTICE = "acceptance_notice", _("Acceptance notice")  # 受理通知书
    REFUSAL_NOTICE = "refusal_notice", _("Notice of refusal to accept")  # 不予受理通知书
    SUPPLEMENT_NOTICE = "supplement_notice", _("Supplement notice")  # 补正材料通知书
    EXTENSION_NOTICE = "extension_notice", _("Extension notice")  # 延期通知书
    # 准予行政许可决定书 / 不予行政许可决定书
    APPROVAL_DECISION = "approval_decision", _("Decision to grant the licence")
    DENIAL_DECISION = "denial_decision", _("Decision to deny the licence")
    LICENCE_CERTIFICATE = "licence_certificate", _("Licence certificate")  # 许可证
    # A registration's certificate (个体工商户 / 企业设立登记 → 营业执照), with the credit code.
    BUSINESS_LICENCE = "business_licence", _("Business licence")  # 营业执照
    # Written decisions ending a licence (Art. 69, 70), with reasons and remedies.
    REVOCATION_DECISION = "revocation_decision", _("Decision to revoke the licence")  # 撤销
    CANCELLATION_DECISION = "cancellation_decision", _("Decision to cancel the licence")  # 注销
    COMMITMENT_LETTER = "commitment_letter", _("Letter of pledge")  # 告知承诺书


# The kinds that are a licence's certificate in the register (its status follows the licence).
CERTIFICATE_KINDS = (DocumentKind.LICENCE_CERTIFICATE, DocumentKind.BUSINESS_LICENCE)


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUPERSEDED = "superseded", _("Superseded by a newer document")
    REVOKED = "revoked", _("Revoked")


def document_path(instance, filename: str) -> str:
    """A generated name under the application's folder; never the user's words."""
    return f"documents/{instance.application_id}/{instance.verification_code}.pdf"


class Document(models.Model):
    """One issued document of one application."""

    application = models.ForeignKey(
        "approvals.Application",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=25, choices=DocumentKind.choices)
    # What caused it, so that issuing twice finds the first (idempotency): e.g. the supplement
    # request's or the extension's id; empty for kinds an application has once.
    source_key = models.CharField(_("source"), max_length=40, blank=True)
    # A correction is a new edition that supersedes the previous one (an issued file never changes).
    edition = models.PositiveSmallIntegerField(_("edition"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    licence = models.ForeignKey(
        "approvals.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("licence"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("issuing department"),
    )
    number = models.CharField(_("document number"), max_length=60, unique=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=VERIFICATION_CODE_LENGTH,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )
    # The facts printed on the document, frozen when it is issued (both languages).
    context = models.JSONField(_("contents"), default=dict)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the issued file"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    signed = models.BooleanField(_("sealed (signed)"), default=False)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    status_reason = models.TextField(_("reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "source_key", "edition"],
                name="document_one_per_source_edition",
            ),
        ]
        indexes = [
            # The PDF sweep: documents issued but not yet rendered.
            models.Index(fields=["issued_at"], condition=Q(sha256=""), name="document_unrendered"),
            models.Index(fields=["application", "kind"], name="document_application_kind"),
        ]

    def __str__(self) -> str:
        return self.number


class DocumentCounter(models.Model):
    """The yearly sequences behind document and licence numbers (榕市监许〔2026〕12号): one row per
    sequence (issuing department and kind) and year, locked while a number is handed out."""

    key = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "year"], name="document_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.year} {self.last_value}"
