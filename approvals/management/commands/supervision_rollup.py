"""``python manage.py supervision_rollup [--rebuild]``: bring the supervision dashboard's derived
tables up to date (the same services Celery beat runs every five minutes). ``--rebuild``
recomputes every day and recounts the open tasks: after a bulk load that bypassed the triggers,
or to check that nothing drifted."""

import time

from django.core.management.base import BaseCommand

from approvals.services.supervision_rollup import (
    open_task_counts_compact,
    open_task_counts_rebuild,
    statistics_rollup,
)


class Command(BaseCommand):
    help = "Roll up the supervision statistics and compact the open-task counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="recompute every day and recount open tasks"
        )

    def handle(self, *args, rebuild=False, **options):
        started = time.monotonic()
        if rebuild:
            open_task_counts_rebuild()
            folded = 0
        else:
            folded = open_task_counts_compact()
        report = statistics_rollup(rebuild=rebuild)
        self.stdout.write(
            f"Statistics: {report.days} days rolled up ({report.rows} rows), "
            f"{report.empty_days} without applications; open-task counts: "
            f"{'recounted' if rebuild else f'{folded} buckets after compaction'}; "
            f"{time.monotonic() - started:.1f} s."
        )
