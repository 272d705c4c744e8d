"""Electronic supervision (电子监察) and service evaluation (好差评): signed checkpoints of the
audit chain, applicants' ratings and the rectification tasks a bad rating opens."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditCheckpoint(models.Model):
    """The chain's head (sequence and hash) at one moment, signed with the portal's Ed25519 key.

    Kept outside the audit table (and exportable as a file), so that cutting off the tail of the
    chain together with the head row is still detected: the chain must reach every checkpoint.
    """

    sequence = models.BigIntegerField(_("sequence number"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    key_id = models.CharField(_("key fingerprint"), max_length=64)
    signature = models.CharField(_("signature"), max_length=200)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-sequence", "-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="checkpoint_created")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.head_hash[:12]}"


class ServiceRating(models.Model):
    """好差评: the applicant's grade (1 very dissatisfied … 5 very satisfied) for a decision."""

    application = models.OneToOneField(
        "approvals.Application",
        on_delete=models.CASCADE,
        related_name="rating",
        verbose_name=_("application"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name=_("department"),
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rated by"),
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=5), name="rating_grade_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["department", "created_at"], name="rating_department")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.grade}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class RectificationTask(models.Model):
    """A bad rating (1 or 2) obliges the department to answer within 15 working days."""

    rating = models.OneToOneField(
        ServiceRating,
        on_delete=models.CASCADE,
        related_name="rectification",
        verbose_name=_("rating"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="rectifications",
        verbose_name=_("department"),
    )
    # None while the working-day calendar does not reach the date yet (entered later).
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=6,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    response = models.TextField(_("what was done"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="rectification_dept")
        ]

    def __str__(self) -> str:
        return f"{self.department_id}: {self.due_on}"
