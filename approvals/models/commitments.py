"""告知承诺制 (notice-and-pledge system): for the services whose version allows it, the
applicant's signed pledge replaces named certificates; the department verifies it after the
licence is issued (事后核查), within its own working-day limit. Distinct from ``Pledge``
(容缺受理: a minor material handed in later)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CommitmentStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged, awaiting the decision")
    VERIFYING = "verifying", _("Verification due")
    KEPT = "kept", _("Verified: the pledge is true")
    FALSE = "false", _("Verified: false pledge")
    CLOSED = "closed", _("Closed without verification")


class Commitment(models.Model):
    application = models.OneToOneField(
        "approvals.Application", on_delete=models.CASCADE, related_name="commitment"
    )
    replaced_materials = models.JSONField(_("certificates replaced by the pledge"), default=list)
    statement_zh = models.TextField(_("pledge (Chinese)"))
    statement_en = models.TextField(_("pledge (English)"))
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default="pledged"
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verifying department"),
    )
    verification_days = models.PositiveSmallIntegerField(_("verification limit (working days)"))
    licence = models.ForeignKey(
        "approvals.Licence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification_due_on = models.DateField(_("verify by"), null=True, blank=True)
    finding = models.TextField(_("finding"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commitment (告知承诺)")
        verbose_name_plural = _("commitments (告知承诺)")
        indexes = [
            models.Index(
                fields=["department", "verification_due_on"],
                condition=Q(status="verifying"),
                name="commitment_verifying_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"
