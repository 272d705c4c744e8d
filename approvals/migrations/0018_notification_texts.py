from django.db import migrations, models


class Migration(migrations.Migration):
    """Notifications keep their title and body in every language of the portal. Existing rows
    get an empty ``texts`` and keep showing the text they were stored with."""

    dependencies = [
        ("approvals", "0017_service_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="texts",
            field=models.JSONField(blank=True, default=dict, verbose_name="texts by language"),
        ),
    ]
