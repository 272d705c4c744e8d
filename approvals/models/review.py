"""Review tasks: one department's step of an application's workflow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import ROLE_LABELS
from accounts.roles import TASK_ROLES
from approvals.domain.workflow import TaskStatus as DomainTaskStatus

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
    # No stored SLA light: it follows from due_on, today and the application's clock, in one
    # expression (approvals.models.working_calendar.sla_light_expression), where it is read.
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
            # The sweep's cards: the open tasks whose due date is in the yellow or red band of
            # the SLA light (a range of due dates).
            models.Index(fields=["due_on"], condition=Q(status="open"), name="task_due_open"),
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
