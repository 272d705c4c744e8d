# ruff: noqa - a rough measuring script (README.md), not application code
import os
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from approvals.models.working_calendar import sla_light_conditions, working_calendar
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
            "task_due_open",
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
# Since issue 17 no light is stored or written: the sweep's cards read each colour's band of due
# dates (the partial index task_due_open), every late task on the day's first run; later runs only
# the tasks created since the last check and those whose clock ran again today.
lights = sla_light_conditions(today)
resumed = ClockPause.objects.filter(ended_on=today).values("application_id")
for colour in ("yellow", "red"):
    has_card = SupervisionCard.objects.filter(task=OuterRef("pk"), colour=colour)
    late = ReviewTask.objects.filter(lights[colour], status=TaskStatus.OPEN)
    show(
        f"cards, the day's first run ({colour}): every open {colour} task without a card",
        late.exclude(Exists(has_card)).values("pk"),
    )
    last = ReviewTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    show(
        f"cards, a later run ({colour}): new tasks and resumed clocks only",
        late.filter(Q(pk__gt=last) | Q(application_id__in=resumed))
        .exclude(Exists(has_card))
        .values("pk"),
    )

if BEFORE:
    transaction.set_rollback(True)
    atomic.__exit__(None, None, None)
