"""Supplement requests (Art. 32, 一次性告知): everything missing, told at once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SupplementRequest(models.Model):
    """The one-time supplement notice (一次性告知): every missing or defective item at once."""

    application = models.ForeignKey(
        "approvals.Application", on_delete=models.CASCADE, related_name="supplement_requests"
    )
    items = models.JSONField(_("items"), default=list)  # [{"material": key, "problem": text}]
    reply_by = models.DateField(_("reply by"))
    during_review = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_comment = models.TextField(_("applicant's comment"), blank=True)

    class Meta:
        verbose_name = _("supplement notice")
        verbose_name_plural = _("supplement notices")
        constraints = [
            # One open notice at a time: the applicant answers once.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True),
                name="one_open_supplement_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} reply by {self.reply_by}"
