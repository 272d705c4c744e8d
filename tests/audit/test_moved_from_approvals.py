"""The audit trail moved out of approvals into its own app (issue 17) without touching its data:
the tables keep their names, the permissions given on the old content types keep working, and
events recorded before the move still read as what they are about."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import translation

from approvals.selectors.audit_labels import object_label
from audit import sql
from audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

content_types_migration = importlib.import_module("audit.migrations.0002_content_types")
# What the migration's functions use of a schema editor: its connection.
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


def test_the_models_keep_the_tables_the_triggers_and_the_grants_name():
    assert AuditEvent._meta.db_table == sql.TABLE == "approvals_auditevent"
    assert AuditChainHead._meta.db_table == sql.HEAD_TABLE == "approvals_auditchainhead"
    assert AuditCheckpoint._meta.db_table == sql.CHECKPOINT_TABLE == "approvals_auditcheckpoint"
    assert AuditEvent._meta.app_label == "audit"


def test_a_permission_given_before_the_move_works_after_it():
    # given a database from before the move: the content type is approvals', and a supervisor
    # was given view_auditevent on it
    content_type = ContentType.objects.get_for_model(AuditEvent)
    ContentType.objects.filter(pk=content_type.pk).update(app_label="approvals")
    ContentType.objects.clear_cache()
    supervisor = UserFactory(is_staff=True)
    supervisor.user_permissions.add(
        Permission.objects.get(content_type=content_type, codename="view_auditevent")
    )

    # when the migration moves the content types
    content_types_migration.forwards(apps, SCHEMA_EDITOR)

    # then the same row, now audit's, still carries the supervisor's permission
    moved = ContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("audit", "auditevent")
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)  # a fresh permission cache
    assert supervisor.has_perm("audit.view_auditevent")
    assert not ContentType.objects.filter(app_label="approvals", model="auditevent").exists()


def test_moving_back_restores_the_content_types_of_before():
    content_types_migration.backwards(apps, SCHEMA_EDITOR)
    assert set(
        ContentType.objects.filter(model__in=content_types_migration.MODELS).values_list(
            "app_label", flat=True
        )
    ) == {"approvals"}


def test_an_event_recorded_before_the_move_still_names_what_it_is_about():
    # given an event about a checkpoint, recorded when the model was approvals'
    before = AuditEvent(object_type="approvals.auditcheckpoint", object_id="3")
    after = AuditEvent(object_type=AuditCheckpoint._meta.label_lower, object_id="3")

    # then both read as the checkpoint they are about
    with translation.override("en"):
        assert object_label(before) == object_label(after) == "Audit checkpoint 3"
