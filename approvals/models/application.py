"""Applications, their attachments, and the counters behind tracking numbers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from approvals.domain.lifecycle import OPEN_STATUSES, Status  # noqa: F401 (OPEN_STATUSES: re-exported)


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    BUSINESS = "business", _("Business")


STATUS_LABELS = {
    Status.DRAFT: _("Draft"),
    Status.SUBMITTED: _("Submitted, awaiting intake"),
    Status.NOT_ACCEPTED: _("Not accepted"),
    Status.SUPPLEMENT_REQUESTED: _("Supplement requested"),
    Status.REVIEW_SUPPLEMENT: _("Supplement requested during review"),
    Status.ACCEPTED: _("Accepted"),
    Status.ACCEPTED_WITH_PLEDGE: _("Accepted with a pledge"),
    Status.UNDER_REVIEW: _("Under review"),
    Status.APPROVED: _("Approved"),
    Status.DENIED: _("Denied"),
    Status.LICENCE_ISSUED: _("Licence issued"),
    Status.CLOSED: _("Closed"),
    Status.WITHDRAWN: _("Withdrawn"),
    Status.WAITING: _("Accepted, waiting for a prerequisite"),
    Status.STOPPED: _("Stopped: a prerequisite was denied"),
}
# The lifecycle's statuses are declared once, with its transition table
# (approvals.domain.lifecycle.Status); the model adds the labels.
ApplicationStatus = models.TextChoices(
    "ApplicationStatus",
    [(status.name, (status.value, STATUS_LABELS[status])) for status in Status],
)


class LicenceAction(models.TextChoices):
    """What an application does to a licence it names (issue 5): a change (变更) or a renewal
    (延续) issues a new licence that supersedes the old one."""

    CHANGE = "change", _("Change of a licence")
    RENEWAL = "renewal", _("Renewal of a licence")


class Application(models.Model):
    """One application for one service version, by a person or for a business."""

    service_version = models.ForeignKey(
        "approvals.ServiceVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("service version"),
    )
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=10, choices=ApplicantKind.choices
    )
    # The applicant: the person (natural-person applications) or the business.
    person = models.ForeignKey(
        "accounts.PersonProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("applicant (person)"),
    )
    business = models.ForeignKey(
        "accounts.Business",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("applicant (business)"),
    )
    # Who filled it in: the person, a business's admin or agent, or a clerk at the counter.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at_counter = models.BooleanField(_("filed at the counter"), default=False)
    status = models.CharField(
        _("status"),
        max_length=25,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    data = models.JSONField(_("form data"), default=dict, blank=True)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    tracking_number = models.CharField(
        _("tracking number"), max_length=40, unique=True, null=True, blank=True
    )
    # Only a hash is kept; the applicant sees the code once, on the receipt.
    query_code_hash = models.CharField(_("query code (hashed)"), max_length=128, blank=True)
    # NULL, not "", for "no key": the unique constraint covers only rows that have one.
    idempotency_key = models.CharField(  # noqa: DJ001
        _("idempotency key"), max_length=64, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Deadlines (working days, Art. 32/42/82). Dates are Asia/Shanghai calendar dates; the
    # deadline service recomputes them whenever a pause, extension or acceptance changes them.
    received_on = models.DateField(_("received on"), null=True, blank=True)
    intake_due_on = models.DateField(_("intake decision due on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("deemed accepted (Art. 32)"), default=False)
    decision_due_on = models.DateField(_("statutory decision due on"), null=True, blank=True)
    promised_due_on = models.DateField(_("promised decision due on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # A due date counted past the official holiday schedule, from the statutory holidays alone:
    # shown as provisional and recomputed once the year's schedule is entered.
    # (db_default: the bulk seed COPYs rows naming only the columns it fills.)
    intake_due_provisional = models.BooleanField(default=False, db_default=False)
    decision_due_provisional = models.BooleanField(default=False, db_default=False)
    promised_due_provisional = models.BooleanField(default=False, db_default=False)
    # Where the workflow stands: the current stage and how many times it has been entered.
    current_stage_key = models.CharField(_("current stage"), max_length=50, blank=True)
    workflow_round = models.PositiveSmallIntegerField(_("workflow round"), default=0)
    # A change or renewal application names the licence its new licence will supersede.
    licence_to_supersede = models.ForeignKey(
        "approvals.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_applications",
        verbose_name=_("licence to change or renew"),
    )
    licence_action = models.CharField(
        _("licence action"), max_length=10, choices=LicenceAction.choices, blank=True
    )
    # 一件事: the member of a theme case this application is (its own decision, under its own
    # limit), accepted by the case's window as one with the others.
    theme_case = models.ForeignKey(
        "approvals.ThemeCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("one-thing case"),
        db_index=False,  # the partial index below: almost every application has none
    )
    # (db_default: the bulk seed and raw inserts name only the columns they fill.)
    theme_member_key = models.SlugField(
        _("member of the case"), max_length=50, blank=True, default="", db_default=""
    )
    # Set in the transaction of a decision on a member of a case, cleared by the case's progress
    # (services/theme_progress.py): the sweep runs the progress again for a case whose task the
    # broker lost, so a waiting member never waits for good.
    theme_progress_pending = models.BooleanField(default=False, db_default=False)
    # Optimistic concurrency: bumped on every change; a stale form is told "this has changed".
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="application_idempotency_key",
            ),
            models.CheckConstraint(
                condition=(
                    Q(applicant_kind="person", person__isnull=False, business__isnull=True)
                    | Q(applicant_kind="business", business__isnull=False)
                ),
                name="application_applicant_matches_kind",
            ),
        ]
        indexes = [
            # /metrics counts the deemed acceptances: a small index of those rows only.
            models.Index(
                fields=["id"], condition=Q(deemed_accepted=True), name="application_deemed"
            ),
            # The applicant's dashboard, one index per visibility branch (what they filed, what
            # is theirs as a person, what is their business's), each in the dashboard's order.
            models.Index(
                fields=["created_by", "-updated_at", "-id"], name="application_creator_recent"
            ),
            models.Index(fields=["person", "-updated_at", "-id"], name="application_person_recent"),
            models.Index(
                fields=["business", "-updated_at", "-id"], name="application_business_recent"
            ),
            models.Index(fields=["status", "submitted_at"], name="application_status_submitted"),
            # The public list of approval decisions (Art. 40), newest decision first.
            models.Index(
                fields=["-decided_on", "-id"],
                condition=Q(status__in=["approved", "licence_issued", "closed"]),
                name="application_decided",
            ),
            # The window's queue: applications waiting for intake, oldest receipt first.
            models.Index(
                fields=["received_on", "submitted_at", "id"],
                condition=Q(status="submitted"),
                name="application_intake_queue",
            ),
            # The periodic sweep: applications still waiting for intake, by their intake deadline.
            models.Index(
                fields=["intake_due_on"],
                condition=Q(status="submitted"),
                name="application_intake_due",
            ),
            # The supervision statistics count the days that are not rolled up yet (today, and a
            # day changed since) live: received, accepted and decided per day and service version.
            models.Index(
                fields=["received_on", "service_version"],
                condition=Q(received_on__isnull=False),
                name="application_received_day",
            ),
            models.Index(
                fields=["accepted_on", "service_version"],
                condition=Q(accepted_on__isnull=False),
                name="application_accepted_day",
            ),
            models.Index(
                fields=["decided_on", "service_version"],
                condition=Q(decided_on__isnull=False),
                name="application_decided_day",
            ),
            # Due dates left unknown at the calendar's end (``deadlines_fill_unknown``).
            models.Index(
                fields=["id"],
                condition=(
                    Q(accepted_on__isnull=False, decision_due_on__isnull=True)
                    | Q(
                        received_on__isnull=False,
                        accepted_on__isnull=True,
                        intake_due_on__isnull=True,
                    )
                ),
                name="application_due_unknown",
            ),
            # The members of a one-thing case.
            models.Index(
                fields=["theme_case", "theme_member_key"],
                condition=Q(theme_case__isnull=False),
                name="application_theme_member",
            ),
            # Decisions on members of a case whose progress has not run yet (the sweep's catch-up).
            models.Index(
                fields=["updated_at"],
                condition=Q(theme_progress_pending=True),
                name="application_theme_progress",
            ),
            # Provisional due dates, recomputed once the official schedule reaches them.
            models.Index(
                fields=["id"],
                condition=(
                    Q(intake_due_provisional=True)
                    | Q(decision_due_provisional=True)
                    | Q(promised_due_provisional=True)
                ),
                name="application_due_provisional",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number or _("Draft #%(pk)s") % {"pk": self.pk}


def attachment_path(instance, filename: str) -> str:
    """A generated name: the user's filename is never part of the stored path."""
    import uuid

    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}"


class ScanResult(models.TextChoices):
    CLEAN = "clean", _("Clean")
    NOT_SCANNED = "not_scanned", _("Not scanned (no scanner configured)")


class Attachment(models.Model):
    """An uploaded file for one material slot of an application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    material_key = models.SlugField(_("material"), max_length=50)
    # Either an uploaded file or, for 材料复用, a valid licence from the register cited instead.
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200, blank=True)
    cited_licence = models.ForeignKey(
        "approvals.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name=_("licence cited instead of a file"),
    )
    display_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    scan_result = models.CharField(_("virus scan"), max_length=15, choices=ScanResult.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["application", "material_key"], name="attachment_slot")]

    def __str__(self) -> str:
        return self.display_name


class TrackingCounter(models.Model):
    """The daily sequence behind tracking numbers: service code, date, sequence."""

    item_code = models.CharField(max_length=40)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item_code", "day"], name="tracking_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.day} {self.last_value}"


class Notification(models.Model):
    """An in-app message to one user (email and SMS go out beside it, from the worker)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # When the email and SMS beside it went out (the worker sends them once: a retried task
    # that finds this set does nothing).
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The title and body in every language of the portal ({"en": {"title": ..., "body": ...}}),
    # so that each reader sees them in the language they read in now, not the one they signed up
    # in. Rows written before this field keep their one text (``title`` and ``body``).
    texts = models.JSONField(_("texts by language"), default=dict, blank=True)
    # A private text for the email and SMS only (a query code), sealed with a key derived from the
    # secret key, kept until they went out so that a lost task can be sent again; then emptied.
    sealed_private = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            # The resend sweep's rows (email and SMS not gone out): empty in the steady state.
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="notification_unsent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def text_in(self, language: str | None = None) -> dict:
        """``{"title": ..., "body": ...}`` in ``language`` (by default the active one)."""
        text = self.texts.get(language or get_language() or "") or {}
        return {"title": text.get("title") or self.title, "body": text.get("body") or self.body}

    @property
    def shown_title(self) -> str:
        return self.text_in()["title"]

    @property
    def shown_body(self) -> str:
        return self.text_in()["body"]
