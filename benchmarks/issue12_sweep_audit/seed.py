# ruff: noqa - a rough measuring script (README.md), not application code
"""Seed N applications (+ open tasks with lights and cards as a settled sweep leaves them) by SQL
cloning, and optionally K submitted applications due for deemed acceptance. Usage:
seed.py base N | seed.py due K"""

import os, sys, datetime as dt
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()
import portal.celery  # noqa
from django.db import connection, transaction
from django.utils import timezone
from accounts.models import OfficialRole
from approvals.models import Application, ReviewTask
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    ServiceVersionFactory,
)

TODAY = timezone.localdate()
WORKFLOW = {
    "stages": [
        {
            "key": "review",
            "name": {"en": "Review", "zh": "审查"},
            "branches": [{"key": "main", "department": "market", "role": "reviewer"}],
            "limit_working_days": 10,
        }
    ]
}


def base_objects():
    from accounts.models import Department

    dep = Department.objects.filter(code="market").first()
    if dep is None:
        dep = DepartmentFactory(code="market")
        win = DepartmentFactory(code="window", is_service_window=True, region_code=dep.region_code)
        OfficialFactory(department=win, role=OfficialRole.INTAKE_CLERK)
        OfficialFactory(department=dep, role=OfficialRole.REVIEWER)
        OfficialFactory(department=dep, role=OfficialRole.DEPARTMENT_HEAD)
        v = ServiceVersionFactory(
            item__department=dep,
            published=True,
            statutory_limit_days=20,
            promised_limit_days=10,
            workflow_definition=WORKFLOW,
        )
        ApplicationFactory(
            submitted=True,
            service_version=v,
            status="submitted",
            received_on=TODAY,
            tracking_number="TEMPLATE",
        )
    return dep, Application.objects.get(tracking_number="TEMPLATE")


def cols(table):
    with connection.cursor() as c:
        return [
            d.name
            for d in connection.introspection.get_table_description(c, table)
            if d.name != "id"
        ]


def clone_apps(template, n, prefix, overrides):
    columns = cols("approvals_application")
    select = [overrides.get(c, c) for c in columns]
    with connection.cursor() as c:
        c.execute(
            f"INSERT INTO approvals_application ({','.join(columns)}) SELECT {','.join(select)} "
            f"FROM approvals_application t, generate_series(1, %s) g WHERE t.id = %s",
            [n, template.pk],
        )


with transaction.atomic():
    dep, template = base_objects()
    what, n = sys.argv[1], int(sys.argv[2])
    if what == "base":
        today = f"DATE '{TODAY}'"
        # 30% under review (open tasks), 70% decided
        clone_apps(
            template,
            n,
            "B",
            {
                "tracking_number": "'B" + (sys.argv[3] if len(sys.argv) > 3 else "") + "-' || g",
                "status": "CASE WHEN g %% 10 < 3 THEN 'under_review' ELSE 'approved' END",
                "received_on": f"{today} - (g %% 200)::int",
                "accepted_on": f"{today} - (g %% 200)::int + 1",
                "intake_due_on": f"{today} - (g %% 200)::int + 7",
                "decision_due_on": f"{today} - (g %% 200)::int + 28",
                "promised_due_on": f"{today} - (g %% 200)::int + 14",
                "decided_on": f"CASE WHEN g %% 10 < 3 THEN NULL ELSE {today} - (g %% 200)::int + 10 END",
                "current_stage_key": "'review'",
                "workflow_round": "1",
            },
        )
        tcols = cols("approvals_reviewtask")
        with connection.cursor() as c:
            # one task per application: open for under review, approved otherwise; due dates
            # spread from 40 days ago to 20 days ahead; cards as a settled sweep leaves them (the
            # light is derived from the due date, not stored)
            c.execute(
                f"""INSERT INTO approvals_reviewtask (application_id, stage_key, branch_key, round, department_id,
                role, assignee_id, status, due_on, drafted_by_id, approved_by_id, return_to, comment, created_at,
                completed_at, revision)
                SELECT a.id, 'review', 'main', 1, %s, 'reviewer', NULL,
                  CASE WHEN a.status = 'under_review' THEN 'open' ELSE 'approved' END,
                  {today} + ((a.id %% 60) - 40)::int, NULL, NULL, '', '', now(), NULL, 1
                FROM approvals_application a WHERE a.tracking_number LIKE %s""",
                [dep.pk, f"B{sys.argv[3] if len(sys.argv) > 3 else ''}-%"],
            )
            c.execute(f"""INSERT INTO approvals_supervisioncard (application_id, task_id, department_id, colour, reason, issued_on, created_at)
                SELECT application_id, id, department_id, 'yellow', 'seed', due_on - 3, now() FROM approvals_reviewtask
                WHERE status='open' AND due_on <= {today} + 4 AND NOT EXISTS (SELECT 1 FROM approvals_supervisioncard s WHERE s.task_id = approvals_reviewtask.id AND s.colour = 'yellow')""")
            c.execute(f"""INSERT INTO approvals_supervisioncard (application_id, task_id, department_id, colour, reason, issued_on, created_at)
                SELECT application_id, id, department_id, 'red', 'seed', due_on + 1, now() FROM approvals_reviewtask
                WHERE status='open' AND due_on < {today} AND NOT EXISTS (SELECT 1 FROM approvals_supervisioncard s WHERE s.task_id = approvals_reviewtask.id AND s.colour = 'red')""")
    elif what == "due":
        # K submitted applications past their intake deadline
        clone_apps(
            template,
            n,
            "D",
            {
                "tracking_number": f"'D{TODAY:%m%d}-' || g || '-' || (extract(epoch from now())::bigint)",
                "status": "'submitted'",
                "received_on": f"DATE '{TODAY}' - 10",
                "intake_due_on": f"DATE '{TODAY}' - 3",
            },
        )
print(
    Application.objects.count(),
    "applications;",
    ReviewTask.objects.filter(status="open").count(),
    "open tasks",
)
