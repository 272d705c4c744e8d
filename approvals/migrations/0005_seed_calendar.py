"""Seed the working-day calendar with the State Council's official schedules for 2004-2026 from the
``chinese-calendar`` package (statutory holidays with their names, make-up working days).

``python manage.py seed_calendar`` does the same idempotently on an existing database."""

from django.db import migrations

FIRST, LAST = 2004, 2026


def seed(apps, schema_editor):
    from approvals.models.working_calendar import seed_from_package

    seed_from_package(
        year_model=apps.get_model("approvals", "CalendarYear"),
        day_model=apps.get_model("approvals", "CalendarDay"),
        first=FIRST,
        last=LAST,
    )


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("approvals", "CalendarYear")
    CalendarDay = apps.get_model("approvals", "CalendarDay")
    CalendarDay.objects.filter(date__year__gte=FIRST, date__year__lte=LAST).delete()
    CalendarYear.objects.filter(year__gte=FIRST, year__lte=LAST, source="chinese-calendar").delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_workflow_deadlines_tasks")]

    operations = [migrations.RunPython(seed, unseed)]
