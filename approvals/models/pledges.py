"""Pledges (容缺受理): a minor material promised by a deadline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Pledge(models.Model):
    """Acceptance with a minor material missing (容缺受理), against a written pledge and a date."""

    application = models.ForeignKey(
        "approvals.Application", on_delete=models.CASCADE, related_name="pledges"
    )
    material_key = models.SlugField(_("material"), max_length=50)
    due_on = models.DateField(_("due on"))
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    # The application ended (withdrawn, refused, denied) before the pledge was kept.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(fulfilled_at__isnull=True, lapsed_at__isnull=True),
                name="pledge_open_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.material_key} by {self.due_on}"
