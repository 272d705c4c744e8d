import django.db.models.deletion
from django.db import migrations, models

from approvals.db import statistics_sql


def restore_sqlite_triggers(apps, schema_editor):
    """SQLite adds a column with a default by rebuilding the table, which drops the triggers that
    keep the open-task ledger (0011); create them again (they say IF NOT EXISTS)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in statistics_sql.CREATE["sqlite"]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0022_provisional_due_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled at"),
        ),
        migrations.AddField(
            model_name="reviewtask",
            name="confirms_denial",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="confirmations",
                to="approvals.reviewtask",
                verbose_name="confirms the denial proposed by",
            ),
        ),
        migrations.AddField(
            model_name="reviewtask",
            name="drafted_outcome",
            field=models.CharField(blank=True, db_default="", default="", max_length=10),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
