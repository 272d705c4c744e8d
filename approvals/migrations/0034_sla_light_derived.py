"""The SLA light is derived, not stored (issue 17): the review task's ``sla_light`` column and its
index go; both open-task ledgers are keyed by what does not change with the day (the due date,
and whether the application's clock is stopped) instead of the light, with their triggers on the
review tasks and now on the pauses (approvals/db/statistics_sql.py ``LEDGER_CREATE``), and are
filled again from the open tasks."""

from django.db import migrations, models

from approvals.db import statistics_sql

LEDGERS = ("approvals_opentaskcount", "approvals_officialtaskcount")


def drop_ledgers(apps, schema_editor):
    """The ledgers' triggers go before the tables change (SQLite rebuilds them), and their rows,
    counted by light, with them."""
    for statement in statistics_sql.LEDGER_DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)
    for table in LEDGERS:
        schema_editor.execute(f"DELETE FROM {table}")  # noqa: S608 -- constant names


def create_ledgers(apps, schema_editor):
    """The triggers, then the first rows from the open tasks, set-based. On PostgreSQL creating
    a trigger locks the task table against writes until this migration commits, so no task
    changes between the two."""
    for statement in statistics_sql.LEDGER_CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)
    for fill in statistics_sql.LEDGER_FILL:
        schema_editor.execute(fill)


def _keyed_by_due_date(model_name: str, *, old_index: str, index: models.Index) -> list:
    """A ledger's light column and index replaced by the due date and the stopped clock."""
    return [
        migrations.RemoveIndex(model_name=model_name, name=old_index),
        migrations.RemoveField(model_name=model_name, name="light"),
        migrations.AddField(
            model_name=model_name, name="due_on", field=models.DateField(null=True)
        ),
        migrations.AddField(
            model_name=model_name,
            name="clock_stopped",
            field=models.BooleanField(default=False),
            preserve_default=False,
        ),
        migrations.AddIndex(model_name=model_name, index=index),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0033_audit_models_moved"),
    ]

    operations = [
        migrations.RunPython(drop_ledgers, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="reviewtask", name="task_light_open"),
        migrations.RemoveField(model_name="reviewtask", name="sla_light"),
        migrations.AddIndex(
            model_name="reviewtask",
            index=models.Index(
                condition=models.Q(("status", "open")), fields=["due_on"], name="task_due_open"
            ),
        ),
        *_keyed_by_due_date(
            "opentaskcount",
            old_index="open_task_bucket",
            index=models.Index(
                fields=[
                    "department",
                    "role",
                    "service_version",
                    "due_on",
                    "clock_stopped",
                    "assigned",
                ],
                name="open_task_due_bucket",
            ),
        ),
        *_keyed_by_due_date(
            "officialtaskcount",
            old_index="official_task_bucket",
            index=models.Index(
                fields=["department", "assignee", "due_on", "clock_stopped"],
                name="official_task_due_bucket",
            ),
        ),
        migrations.AddIndex(
            model_name="clockpause",
            index=models.Index(fields=["ended_on"], name="pause_ended_on"),
        ),
        migrations.AddField(
            model_name="deadlinesweepstate",
            name="cards_checked_task_id",
            field=models.BigIntegerField(db_default=0, default=0),
        ),
        migrations.RunPython(create_ledgers, drop_ledgers),
    ]
