"""Make audit events append-only in the database and create the chain's head row."""

from django.db import migrations

from audit import sql as audit_sql


def create_guard(apps, schema_editor):
    for statement in audit_sql.CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_guard(apps, schema_editor):
    for statement in audit_sql.DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_head(apps, schema_editor):
    apps.get_model("approvals", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(create_guard, drop_guard),
    ]
