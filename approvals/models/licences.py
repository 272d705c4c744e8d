"""The licence register (电子证照): issued licences; expiry is computed, not stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.domain.china_time import china_today


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUPERSEDED = "superseded", _("Superseded (changed or renewed)")
    REVOKED = "revoked", _("Revoked")  # 撤销
    CANCELLED = "cancelled", _("Cancelled")  # 注销


class LicenceEffectiveStatus(models.TextChoices):
    """What a licence is worth today: its stored status, or "expired" once ``valid_to`` passed."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded (changed or renewed)")
    REVOKED = "revoked", _("Revoked")
    CANCELLED = "cancelled", _("Cancelled")


class Licence(models.Model):
    """An entry of the electronic licence register (电子证照库).

    Expiry is not a stored status: a licence whose ``valid_to`` has passed is expired, whatever
    its status says (the register never needs a job to keep that true).
    """

    number = models.CharField(_("licence number"), max_length=60, unique=True)
    application = models.OneToOneField(
        "approvals.Application",
        on_delete=models.PROTECT,
        related_name="licence",
        verbose_name=_("decided application"),
    )
    item = models.ForeignKey(
        "approvals.ServiceItem",
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("service item"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("issuing department"),
    )
    holder_kind = models.CharField(_("holder kind"), max_length=10)
    person = models.ForeignKey(
        "accounts.PersonProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licences",
        verbose_name=_("holder (person)"),
    )
    business = models.ForeignKey(
        "accounts.Business",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licences",
        verbose_name=_("holder (business)"),
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    scope_zh = models.TextField(_("scope (Chinese)"), blank=True)
    scope_en = models.TextField(_("scope (English)"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    # A change (变更) or renewal (延续) issues a new licence that supersedes this one.
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    # Expiry reminders already sent (days before expiry: 60, 30), so a sweep sends each once.
    reminders_sent = models.JSONField(_("expiry reminders sent"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(holder_kind="person", person__isnull=False, business__isnull=True)
                    | Q(holder_kind="business", business__isnull=False)
                ),
                name="licence_holder_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="licence_person_status"),
            models.Index(fields=["business", "status"], name="licence_business_status"),
            models.Index(fields=["item", "status"], name="licence_item_status"),
            # The expiry-reminder sweep: valid licences by end date.
            models.Index(fields=["valid_to"], condition=Q(status="valid"), name="licence_expiry"),
        ]

    def __str__(self) -> str:
        return self.number

    def effective_status(self, today=None) -> str:
        """``LicenceEffectiveStatus``: a valid licence past its ``valid_to`` is expired (the last
        day of validity still counts)."""

        if self.status != LicenceStatus.VALID:
            return self.status
        today = today or china_today()
        if self.valid_to is not None and self.valid_to < today:
            return LicenceEffectiveStatus.EXPIRED
        return LicenceEffectiveStatus.VALID

    @property
    def effective_status_label(self) -> str:
        return LicenceEffectiveStatus(self.effective_status()).label

    def in_force(self, today=None) -> bool:
        return self.effective_status(today) == LicenceEffectiveStatus.VALID

    @property
    def scope(self) -> str:
        from django.utils.translation import get_language

        chinese = (get_language() or "").startswith("zh")
        return (self.scope_zh if chinese else self.scope_en) or self.scope_zh or self.scope_en
