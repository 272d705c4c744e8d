"""A small index of the deemed-accepted applications, for /metrics. On PostgreSQL it is built
CONCURRENTLY, so that an upgrade does not stop submissions while a million rows are read."""

from django.db import migrations, models


class AddIndexWithoutLocking(migrations.AddIndex):
    """``AddIndex``, built with ``CREATE INDEX CONCURRENTLY`` on PostgreSQL (writes go on
    meanwhile); as usual elsewhere. The migration must not be atomic."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)
        return None

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)
        return None


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("approvals", "0014_notification_sent_at")]

    operations = [
        AddIndexWithoutLocking(
            model_name="application",
            index=models.Index(
                condition=models.Q(("deemed_accepted", True)),
                fields=["id"],
                name="application_deemed",
            ),
        ),
    ]
