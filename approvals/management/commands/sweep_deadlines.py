"""``python manage.py sweep_deadlines [--today YYYY-MM-DD]``: run the deadline sweep once (the same
service Celery beat runs every minute). ``--today`` runs it as of another day (tests, catch-up)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from approvals.services.sweep import sweep_deadlines


class Command(BaseCommand):
    help = "Deemed acceptance, supervision cards and lapsed pledges."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="run as of this local date (YYYY-MM-DD)")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--today must be YYYY-MM-DD: {error}") from error
        report = sweep_deadlines(today=day)
        self.stdout.write(
            f"Sweep for {report.today}: {len(report.deemed_accepted)} deemed accepted, "
            f"{report.cards['yellow']} yellow and "
            f"{report.cards['red']} red cards, {len(report.lapsed_pledges)} pledges lapsed."
        )
