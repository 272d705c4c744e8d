"""``python manage.py seed_calendar [--first 2004] [--last 2026]``: bring the working-day calendar
in line with the ``chinese-calendar`` package (idempotent; the data migration seeds a fresh
database the same way). Years after the package's last one are added in the admin."""

from django.core.management.base import BaseCommand
from django.db import transaction

from approvals.models.working_calendar import PACKAGE_YEARS, seed_from_package
from approvals.services.deadlines import deadlines_fill_unknown


class Command(BaseCommand):
    help = "Seed or re-sync the working-day calendar from the chinese-calendar package."

    def add_arguments(self, parser):
        parser.add_argument("--first", type=int, default=PACKAGE_YEARS[0])
        parser.add_argument("--last", type=int, default=PACKAGE_YEARS[1])

    def handle(self, *args, first, last, **options):
        with transaction.atomic():
            counts = seed_from_package(first=first, last=last)
        # Due dates that were beyond the calendar's end may be reachable now.
        filled = deadlines_fill_unknown(fresh_calendar=True)
        self.stdout.write(
            "Calendar {first}-{last}: {years_added} years added, {days_added} days added, "
            "{days_updated} updated, {days_removed} removed.".format(
                first=first, last=last, **counts
            )
        )
        if any(filled.values()):
            self.stdout.write(
                "Due dates filled in: {applications} applications, {tasks} tasks, "
                "{rectifications} rectifications.".format(**filled)
            )
