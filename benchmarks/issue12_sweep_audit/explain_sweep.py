# ruff: noqa - a rough measuring script (README.md), not application code
import os
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from approvals.models.working_calendar import working_calendar
from approvals.domain.working_days import SlaLight
from approvals.models import (
    Application,
    ApplicationStatus,
    ClockPause,
    ReviewTask,
    SupervisionCard,
    TaskStatus,
)

today = timezone.localdate()
yellow_until = working_calendar().add_working_days(today, 3)
import sys
from django.db import connection, transaction

BEFORE = "before" in sys.argv


def show(title, qs):
    if BEFORE and title.split(" (")[0].endswith("AFTER"):
        return
    plan = qs.explain(analyze=True, costs=False, timing=False, summary=True)
    lines = [
        l
        for l in plan.splitlines()
        if any(
            k in l
            for k in (
                "Scan",
                "Execution",
                "Rows Removed",
                "Index Cond",
                "Anti",
                "Join",
                "Filter",
                "Heap",
            )
        )
    ]
    print(f"### {title}")
    print("\n".join(lines))
    print()


if BEFORE:
    atomic = transaction.atomic()
    atomic.__enter__()
    with connection.cursor() as c:
        for name in (
            "application_due_unknown",
            "task_light_open",
            "task_due_unknown",
            "card_task_colour",
            "card_window_colour",
        ):
            c.execute(f"DROP INDEX {name}")
    print("(the five indexes of migration 0011 dropped in a transaction that is rolled back)")
paused = Exists(
    ClockPause.objects.filter(application=OuterRef("application_id"), ended_on__isnull=True)
)
unknown = Q(accepted_on__isnull=False, decision_due_on__isnull=True) | Q(
    received_on__isnull=False, accepted_on__isnull=True, intake_due_on__isnull=True
)
open_pause = ClockPause.objects.filter(application=OuterRef("pk"), ended_on__isnull=True)
show(
    "fill: applications with unknown due dates (before: every run; after: only after a calendar change)",
    Application.objects.filter(unknown).exclude(Exists(open_pause)).values("pk"),
)
show(
    "fill: open tasks with unknown due dates",
    ReviewTask.objects.filter(status=TaskStatus.OPEN, due_on__isnull=True)
    .exclude(paused)
    .values("pk"),
)
bands = [
    (SlaLight.RED, Q(due_on__lt=today)),
    (SlaLight.YELLOW, Q(due_on__gte=today, due_on__lte=yellow_until)),
    (SlaLight.GREEN, Q(due_on__gt=yellow_until)),
]
for light, cond in bands:
    show(
        f"lights BEFORE ({light}): WHERE band AND sla_light <> '{light}'",
        ReviewTask.objects.filter(status=TaskStatus.OPEN, due_on__isnull=False)
        .exclude(paused)
        .filter(cond)
        .exclude(sla_light=light)
        .values("pk"),
    )
    others = ["", *(o for o in SlaLight if o != light)]
    show(
        f"lights AFTER ({light}): WHERE band AND sla_light IN {others}",
        ReviewTask.objects.filter(cond, status=TaskStatus.OPEN, sla_light__in=others)
        .exclude(paused)
        .values("pk"),
    )
for colour in ("yellow", "red"):
    has_card = SupervisionCard.objects.filter(task=OuterRef("pk"), colour=colour)
    show(
        f"cards BEFORE ({colour}): every open {colour} task without a card (every run; AFTER: once a day, otherwise only the tasks that turned {colour} in the run)",
        ReviewTask.objects.filter(status=TaskStatus.OPEN, sla_light=colour)
        .exclude(Exists(has_card))
        .values("pk"),
    )

if BEFORE:
    transaction.set_rollback(True)
    atomic.__exit__(None, None, None)
