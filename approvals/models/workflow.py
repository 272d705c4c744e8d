"""Workflow data: review tasks, clock pauses, supplement notices, pledges, extensions, the
working-day calendar, and guardian's direct foreign-key object permissions on applications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import ROLE_LABELS
from accounts.roles import TASK_ROLES
from approvals.domain.workflow import TaskStatus as DomainTaskStatus


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Statutory holiday")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")


class CalendarYear(models.Model):
    """A year whose official schedule is in the calendar. Dates in other years are refused rather
    than guessed (Art. 82: limits are working days, and China moves weekends)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A statutory holiday or a make-up working day (调休); every other day follows the week."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=15, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


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

    class Meta:
        verbose_name = _("deadline sweep state")
        verbose_name_plural = _("deadline sweep state")

    def __str__(self) -> str:
        return f"calendar to {self.calendar_last_day}, filled {self.filled_at}"


# In context: a task is "in hand", not "open" as a verb, and a reviewer's "approved" is a
# recommendation (同意), not the approval of the licence (批准).
TASK_STATUS_LABELS = {
    DomainTaskStatus.OPEN: pgettext_lazy("task status", "Open"),
    DomainTaskStatus.APPROVED: pgettext_lazy("task status", "Approved"),
    DomainTaskStatus.REJECTED: pgettext_lazy("task status", "Rejected"),
    DomainTaskStatus.RETURNED: _("Returned"),
    DomainTaskStatus.CANCELLED: _("Cancelled"),
}
# The values are the workflow engine's (approvals.domain.workflow.TaskStatus); the model adds
# the labels.
TaskStatus = models.TextChoices(
    "TaskStatus",
    [(status.name, (status.value, TASK_STATUS_LABELS[status])) for status in DomainTaskStatus],
)
# The roles that hold tasks (accounts.roles.TASK_ROLES), labelled as the official roles are.
TaskRole = models.TextChoices(
    "TaskRole", [(role.name, (role.value, ROLE_LABELS[role])) for role in TASK_ROLES]
)


class ReviewTask(models.Model):
    """One branch of one stage for one application: a department's role works it."""

    application = models.ForeignKey(
        "approvals.Application", on_delete=models.CASCADE, related_name="tasks"
    )
    stage_key = models.CharField(_("stage"), max_length=50)
    branch_key = models.CharField(_("branch"), max_length=50)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=20, choices=TaskRole.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # Counted past the official holiday schedule (see Application.decision_due_provisional).
    due_provisional = models.BooleanField(default=False, db_default=False)
    # Set by the one rule (approvals.calendar.sla_light_for) at creation, refreshed by the sweep.
    sla_light = models.CharField(_("SLA light"), max_length=6, blank=True)
    # Second approval: who drafted the decision, and who approved it (not the same person).
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What a second-approval draft decides: "rejected" for a drafted rejection, else approval.
    # (A database default too: the scale seed writes tasks with COPY, naming its columns.)
    drafted_outcome = models.CharField(max_length=10, blank=True, default="", db_default="")
    # A task that confirms (approve) or overrules (reject) the denial proposed by a rejection in
    # an earlier stage (Art. 38: a denial needs the same four eyes as an approval).
    confirms_denial = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmations",
        verbose_name=_("confirms the denial proposed by"),
    )
    return_to = models.CharField(_("returned to stage"), max_length=50, blank=True)
    comment = models.TextField(_("comment or reasons"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Optimistic concurrency for the task page: a stale form gets "this task has changed".
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")
        indexes = [
            # The queue's branches (approvals/selectors/branches.py): open tasks of one
            # department and role, and those claimed by one official, in the queue's order
            # (due date, then id), so that a page reads only its own rows.
            models.Index(
                fields=["department", "role", "due_on", "id"],
                condition=Q(status="open"),
                name="task_queue_open",
            ),
            models.Index(
                fields=["assignee", "due_on", "id"],
                condition=Q(status="open"),
                name="task_assignee_open",
            ),
            models.Index(fields=["application", "stage_key", "round"], name="task_application"),
            # The sweep's SLA lights: per light, the open tasks whose due date puts them in
            # another band (only the rows that change are read).
            models.Index(
                fields=["sla_light", "due_on"], condition=Q(status="open"), name="task_light_open"
            ),
            # Due dates left unknown at the calendar's end, filled in once it reaches them.
            models.Index(
                fields=["application"],
                condition=Q(status="open", due_on__isnull=True),
                name="task_due_unknown",
            ),
            models.Index(
                fields=["id"],
                condition=Q(status="open", due_provisional=True),
                name="task_due_provisional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.stage_key}/{self.branch_key}"


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
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pause_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


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


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    """Per-application grants (an extra reviewer, a supervisor opening a case), with a real
    foreign key so that lookups use an index instead of guardian's generic object_pk text."""

    content_object = models.ForeignKey("approvals.Application", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("application permission (user)")


class ApplicationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("approvals.Application", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("application permission (group)")


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
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()} {self.department_id} {self.application_id}"
