"""The audit trail's models now belong to the audit app (its 0001 takes them over). State only:
the tables stay, under their names, with their rows and triggers."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0032_theme_progress_pending"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="AuditChainHead"),
                migrations.DeleteModel(name="AuditCheckpoint"),
                migrations.DeleteModel(name="AuditEvent"),
            ],
        ),
    ]
