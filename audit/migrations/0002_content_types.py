"""The moved models' content types follow them (approvals → audit), so that the permissions that
point at those rows (``view_auditevent`` given to the supervisors' group, ...), the groups that
hold them and the admin's log keep working: the rows are renamed, not created again."""

from django.db import migrations

MODELS = ("auditevent", "auditchainhead", "auditcheckpoint")


def _move(apps, schema_editor, *, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.db_manager(schema_editor.connection.alias)
    for model in MODELS:
        # A database created from scratch has no rows yet (they are made after migrating); one
        # that somehow has both keeps the target's and leaves the other for
        # remove_stale_contenttypes.
        if not rows.filter(app_label=target, model=model).exists():
            rows.filter(app_label=source, model=model).update(app_label=target)
    content_type.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, schema_editor, source="approvals", target="audit")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, source="audit", target="approvals")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
