"""Electronic supervision (电子监察) and service evaluation (好差评): applicants' ratings and the
rectification tasks a bad rating opens. (The audit chain's signed checkpoints are the audit
app's.)"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
        indexes = [
            models.Index(fields=["department", "created_at"], name="rating_department"),
            # The statistics count the ratings of the days not rolled up yet live, by time.
            models.Index(fields=["created_at"], name="rating_created"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.grade}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "Open")
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
            models.Index(fields=["department", "status", "due_on"], name="rectification_dept"),
            # The dashboard's list: open ones, the earliest due first, a page at a time.
            models.Index(
                fields=["due_on", "id"], condition=Q(status="open"), name="rectification_open_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department_id}: {self.due_on}"


# --- Derived tables behind the supervision dashboard (issue 12: flat at a million applications) --
#
# The dashboard never aggregates history on a request. Two kinds of derived rows, each fed from one
# source by database triggers (approvals/db/statistics_sql.py) so that no write path, bulk load or
# admin edit can forget them:
#
# - ``OpenTaskCount``: a ledger of +1/-1 per open review task entering or leaving a (department,
#   role, service version, due date, clock stopped, claimed) bucket. Readers (this dashboard, the
#   officials' queue) sum it; ``open_task_counts_compact`` folds it back to one row per bucket.
#   Insert-only, so officials never wait on each other's counter row. ``OfficialTaskCount`` is
#   its twin by (department, assignee, due date, clock stopped), for the workload per official.
#   The SLA light is not stored: readers sum the rows of each band of due dates.
# - ``StatisticsChange``: the days whose statistics a change of an application touched (received,
#   accepted, decided: before and after). ``statistics_rollup`` recomputes those days into
#   ``StatisticsDay`` / ``StatisticsDuration`` and marks them in ``StatisticsRolledDay``; until it
#   has, the reader counts such days (and today) live from the applications, by index.


class OpenTaskCount(models.Model):
    """Open review tasks of one bucket: a signed delta, summed by readers (see above)."""

    id = models.BigAutoField(primary_key=True)
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    role = models.CharField(max_length=20)
    service_version = models.ForeignKey(
        "approvals.ServiceVersion", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # What the SLA light is derived from, not the light (which changes with the day): the
    # tasks' due date and whether their application's clock is stopped (Art. 45). Readers sum the
    # rows of each band of due dates (approvals.models.working_calendar.sla_light_sums).
    due_on = models.DateField(null=True)
    clock_stopped = models.BooleanField()
    assigned = models.BooleanField()
    tasks = models.IntegerField()

    class Meta:
        indexes = [
            # The queue reads the buckets of an official's (department, role) pairs.
            models.Index(
                fields=[
                    "department",
                    "role",
                    "service_version",
                    "due_on",
                    "clock_stopped",
                    "assigned",
                ],
                name="open_task_due_bucket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.service_version_id}/{self.due_on}: {self.tasks:+d}"


class OfficialTaskCount(models.Model):
    """Open review tasks of one department held by one official (or by nobody yet), by light: a
    signed delta like ``OpenTaskCount``, kept by the same kind of triggers, summed by the
    workload page (per official, a few rows whatever the number of tasks)."""

    # Derived rows never hold up a delete: no database constraint (the triggers write -1 rows for
    # tasks deleted after their department or official, as a test database's flush does);
    # Django still deletes an official's or a department's rows with them.
    id = models.BigAutoField(primary_key=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Who claimed the tasks; NULL: nobody has yet.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    due_on = models.DateField(null=True)  # as on the task; the light is derived from it
    clock_stopped = models.BooleanField()  # the application's clock is stopped (Art. 45)
    tasks = models.IntegerField()

    class Meta:
        indexes = [
            # The workload page reads one department's rows.
            models.Index(
                fields=["department", "assignee", "due_on", "clock_stopped"],
                name="official_task_due_bucket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.assignee_id}/{self.due_on}: {self.tasks:+d}"


class StatisticsChange(models.Model):
    """A day whose statistics changed since it was rolled up (written by a trigger)."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField(db_index=True)

    def __str__(self) -> str:
        return str(self.day)


class StatisticsRolledDay(models.Model):
    """A day whose rows in ``StatisticsDay`` and ``StatisticsDuration`` are complete, and the
    working-day calendar its durations were counted with (a calendar edit makes them stale)."""

    day = models.DateField(primary_key=True)
    calendar_key = models.CharField(max_length=64)
    rolled_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.day)


class StatisticsDay(models.Model):
    """One day's figures for one service version: applications received, accepted and decided
    that day (each by its own date), as ``approvals.selectors.supervision`` counts them."""

    day = models.DateField()
    service_version = models.ForeignKey(
        "approvals.ServiceVersion", on_delete=models.CASCADE, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)  # decided_on that day, whatever the status
    approved = models.PositiveIntegerField(default=0)
    denied = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "service_version"], name="statistics_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_version_id}"


class StatisticsDuration(models.Model):
    """How many applications decided that day took ``working_days`` from acceptance: a
    histogram, from which the average and the 90th percentile are exact."""

    day = models.DateField()
    service_version = models.ForeignKey(
        "approvals.ServiceVersion", on_delete=models.CASCADE, related_name="+"
    )
    working_days = models.IntegerField()
    applications = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "service_version", "working_days"],
                name="statistics_duration_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_version_id} {self.working_days}: {self.applications}"


class StatisticsRatingDay(models.Model):
    """One day's ratings (好差评) of one department: how many, and how many of 4 or 5."""

    day = models.DateField()
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.CASCADE, related_name="+"
    )
    ratings = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department"], name="statistics_rating_day_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}: {self.satisfied}/{self.ratings}"
