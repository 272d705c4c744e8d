"""Clock pauses (Art. 45): time that does not count toward the limit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Applicant preparing a supplement")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    INSPECTION = "inspection", _("Inspection")
    TESTING = "testing", _("Testing")
    HEARING = "hearing", _("Hearing")


class ClockPause(models.Model):
    """Time that does not count toward the limit (Art. 45), told to the applicant in writing."""

    application = models.ForeignKey(
        "approvals.Application", on_delete=models.CASCADE, related_name="pauses"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=PauseKind.choices)
    reason = models.TextField(_("reason"))
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    expected_working_days = models.PositiveSmallIntegerField(
        _("expected working days"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["started_on", "pk"]
        indexes = [
            # The sweep's cards for the tasks of applications whose clock ran again today.
            models.Index(fields=["ended_on"], name="pause_ended_on"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pause_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"
