"""``manage.py verify_audit [--full] [--checkpoint FILE ...]``: check the audit trail's hash chain
(DESIGN.md §4).

Walks the events after the newest signed checkpoint that verifies (``--full``: every event from
the first, which also finds an edit before that checkpoint that left the hash alone) and
compares the end of the chain with the head row that writers update, so that an edited, deleted,
reordered or cut-off event is found; then checks the latest signed checkpoint (``manage.py
audit_checkpoint``) and any exported checkpoint files given: the chain must reach each
checkpoint's event with the same hash, and its signature must verify, so that cutting off the
tail together with the head row is found too. Exits 0 when the chain is intact and 1, naming the
first bad event, when it is not — for cron and monitoring.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import (
    CheckpointFileInvalid,
    checkpoint_from_file,
    verify_audit_trail,
)


class Command(BaseCommand):
    help = "Check that the audit trail's hash chain is unbroken up to the recorded head."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="walk every event from the first, not only those after the last checkpoint",
        )
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="an exported checkpoint file the chain must also reach (repeatable)",
        )

    def handle(self, *args, **options):
        try:
            extra = tuple(checkpoint_from_file(Path(name)) for name in options["checkpoint"])
        except CheckpointFileInvalid as error:
            raise CommandError(str(error), returncode=1) from error
        result = verify_audit_trail(extra_checkpoints=extra, full=options["full"])
        if result.problem is not None:
            raise CommandError(f"audit chain broken: {result.problem}", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain intact: {result.events} events, head {result.head_hash}"
            )
        )
        if result.since is not None:
            self.stdout.write(
                f"walked the {result.walked} events after the signed checkpoint "
                f"#{result.since.sequence} (--full walks them all)"
            )
        for checkpoint in result.checkpoints:
            self.stdout.write(
                f"reaches the signed checkpoint #{checkpoint.sequence} "
                f"of {checkpoint.created_at.isoformat(timespec='seconds')}"
            )
