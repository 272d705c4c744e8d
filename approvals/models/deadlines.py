"""Deadline extensions (Art. 42) and the periodic sweep's state."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineSweepState(models.Model):
    """What the periodic deadline sweep remembers between runs (one row), so that a run with
    nothing new to do does no work: the calendar extent it last filled unknown due dates
    against, and the day it last checked every late task for its supervision card."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    calendar_last_day = models.DateField(_("calendar last day"), null=True, blank=True)
    # When the sweep first met this last day, and when it last filled against it: other
    # processes may write dates with their older cached calendar for a while after a change.
    calendar_seen_at = models.DateTimeField(null=True, blank=True)
    filled_at = models.DateTimeField(null=True, blank=True)
    cards_checked_on = models.DateField(null=True, blank=True)
    # The last review task the card check has seen: a later run of the day looks at newer ones.
    cards_checked_task_id = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("deadline sweep state")
        verbose_name_plural = _("deadline sweep state")

    def __str__(self) -> str:
        return f"calendar to {self.calendar_last_day}, filled {self.filled_at}"


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DeadlineExtension(models.Model):
    """Art. 42: the head may extend the limit (+10 working days, +15 for joint handling) and the
    applicant is told why."""

    application = models.ForeignKey(
        "approvals.Application", on_delete=models.CASCADE, related_name="extensions"
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self) -> str:
        return f"{self.application_id} +{self.working_days}"
