"""Supervision cards (电子监察): yellow and red cards for overdue work."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models.review import ReviewTask


class CardColour(models.TextChoices):
    YELLOW = "yellow", _("Yellow card (about to be late)")
    RED = "red", _("Red card (overdue)")


class SupervisionCard(models.Model):
    """电子监察: a yellow or red card raised against the department responsible for late work."""

    application = models.ForeignKey(
        "approvals.Application", on_delete=models.CASCADE, related_name="cards"
    )
    task = models.ForeignKey(
        ReviewTask, on_delete=models.CASCADE, null=True, blank=True, related_name="cards"
    )
    # A late verification of a pledge after the licence (事后核查, 告知承诺制): no review task is
    # responsible, the commitment is.
    commitment = models.ForeignKey(
        "approvals.Commitment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cards",
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="cards"
    )
    colour = models.CharField(_("colour"), max_length=6, choices=CardColour.choices)
    reason = models.CharField(_("reason"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision card")
        verbose_name_plural = _("supervision cards")
        constraints = [
            # The sweep runs every minute: one card of a colour per task (or per application
            # when no task is responsible, e.g. intake at the window).
            models.UniqueConstraint(
                fields=["application", "task", "colour"], name="one_card_per_colour"
            ),
            models.UniqueConstraint(
                fields=["commitment", "colour"],
                condition=Q(commitment__isnull=False),
                name="one_commitment_card_per_colour",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "colour", "issued_on"], name="card_dept"),
            # The dashboard's card lists: red before yellow, newest first, the first few only;
            # the cards of work at the window (no task) have an index of their own, so that
            # listing them does not walk past every task's card.
            models.Index(fields=["colour", "-issued_on", "-id"], name="card_newest"),
            models.Index(
                fields=["colour", "-issued_on", "-id"],
                condition=Q(task__isnull=True),
                name="card_intake_newest",
            ),
            # Does this task (or this application at the window) have its card of a colour yet?
            models.Index(fields=["task", "colour"], name="card_task_colour"),
            models.Index(
                fields=["application", "colour"],
                condition=Q(task__isnull=True),
                name="card_window_colour",
            ),
            # The dashboard's list of cards of verifications still running.
            models.Index(
                fields=["colour", "-issued_on", "-id"],
                condition=Q(commitment__isnull=False),
                name="card_commitment_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} {self.department_id} {self.application_id}"
