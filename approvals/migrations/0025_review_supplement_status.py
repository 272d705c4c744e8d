"""A supplement requested during review is a status of its own (``review_supplement``) rather
than ``supplement_requested`` with a flag on the open notice overriding the transition table: the
applications waiting for the answer to a reviewer's notice move to it (and back)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def _waiting_for_a_review_supplement(apps, old: str):
    Application = apps.get_model("approvals", "Application")
    SupplementRequest = apps.get_model("approvals", "SupplementRequest")
    open_review_notice = SupplementRequest.objects.filter(
        application=OuterRef("pk"), answered_at__isnull=True, during_review=True
    )
    return Application.objects.filter(Exists(open_review_notice), status=old)


def forwards(apps, schema_editor):
    _waiting_for_a_review_supplement(apps, "supplement_requested").update(
        status="review_supplement"
    )


def backwards(apps, schema_editor):
    _waiting_for_a_review_supplement(apps, "review_supplement").update(
        status="supplement_requested"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0024_guide_details"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted, awaiting intake"),
                    ("not_accepted", "Not accepted"),
                    ("supplement_requested", "Supplement requested"),
                    ("review_supplement", "Supplement requested during review"),
                    ("accepted", "Accepted"),
                    ("accepted_with_pledge", "Accepted with a pledge"),
                    ("under_review", "Under review"),
                    ("approved", "Approved"),
                    ("denied", "Denied"),
                    ("licence_issued", "Licence issued"),
                    ("closed", "Closed"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="draft",
                max_length=25,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
