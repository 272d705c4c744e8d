"""The audit trail's models, moved here from the approvals app (issue 17: a shared concern both
apps depend on, not a loop). State only: the tables, their rows, the append-only triggers and the
head row stay as approvals' migrations made them (0001, 0002, 0008), under their old names
(``db_table``); approvals 0033 forgets the models on its side."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        # The tables exist (and every later change to them runs) after approvals made them.
        ("approvals", "0008_supervision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditChainHead",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("sequence", models.BigIntegerField(default=0)),
                        (
                            "hash",
                            models.CharField(
                                default="0000000000000000000000000000000000000000000000000000000000000000",
                                max_length=64,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit chain head",
                        "verbose_name_plural": "audit chain head",
                        "db_table": "approvals_auditchainhead",
                    },
                ),
                migrations.CreateModel(
                    name="AuditCheckpoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("sequence", models.BigIntegerField(verbose_name="sequence number")),
                        ("head_hash", models.CharField(max_length=64, verbose_name="head hash")),
                        ("created_at", models.DateTimeField(verbose_name="created at")),
                        ("key_id", models.CharField(max_length=64, verbose_name="key fingerprint")),
                        ("signature", models.CharField(max_length=200, verbose_name="signature")),
                    ],
                    options={
                        "verbose_name": "audit checkpoint",
                        "verbose_name_plural": "audit checkpoints",
                        "db_table": "approvals_auditcheckpoint",
                        "ordering": ["-sequence", "-created_at"],
                        "indexes": [
                            models.Index(fields=["-created_at"], name="checkpoint_created")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "sequence",
                            models.BigIntegerField(
                                editable=False, unique=True, verbose_name="sequence number"
                            ),
                        ),
                        (
                            "occurred_at",
                            models.DateTimeField(
                                db_index=True, editable=False, verbose_name="occurred at"
                            ),
                        ),
                        (
                            "actor_label",
                            models.CharField(blank=True, max_length=200, verbose_name="actor"),
                        ),
                        (
                            "actor_role",
                            models.CharField(blank=True, max_length=30, verbose_name="role"),
                        ),
                        (
                            "on_behalf_of",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="on behalf of"
                            ),
                        ),
                        (
                            "client_ip",
                            models.GenericIPAddressField(
                                blank=True, null=True, verbose_name="client IP"
                            ),
                        ),
                        (
                            "request_id",
                            models.CharField(blank=True, max_length=64, verbose_name="request id"),
                        ),
                        ("action", models.CharField(max_length=80, verbose_name="action")),
                        (
                            "object_type",
                            models.CharField(blank=True, max_length=80, verbose_name="object type"),
                        ),
                        (
                            "object_id",
                            models.CharField(blank=True, max_length=64, verbose_name="object id"),
                        ),
                        (
                            "changes",
                            models.JSONField(blank=True, default=dict, verbose_name="changes"),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="reason or comment")),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("done", "Done"),
                                    ("denied", "Denied"),
                                    ("failed", "Failed"),
                                ],
                                default="done",
                                max_length=10,
                                verbose_name="outcome",
                            ),
                        ),
                        (
                            "previous_hash",
                            models.CharField(
                                editable=False, max_length=64, verbose_name="previous hash"
                            ),
                        ),
                        (
                            "hash",
                            models.CharField(
                                editable=False, max_length=64, unique=True, verbose_name="hash"
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="actor",
                            ),
                        ),
                        (
                            "actor_department",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="accounts.department",
                                verbose_name="department",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "audit event",
                        "verbose_name_plural": "audit events",
                        "db_table": "approvals_auditevent",
                        "ordering": ["-sequence"],
                        "indexes": [
                            models.Index(
                                fields=["object_type", "object_id", "sequence"], name="audit_object"
                            ),
                            models.Index(fields=["actor", "sequence"], name="audit_actor"),
                            models.Index(fields=["action", "sequence"], name="audit_action"),
                            models.Index(
                                fields=["actor_department", "sequence"], name="audit_department"
                            ),
                            models.Index(fields=["object_id"], name="audit_object_id"),
                            models.Index(fields=["request_id"], name="audit_request"),
                        ],
                    },
                ),
            ],
        ),
    ]
