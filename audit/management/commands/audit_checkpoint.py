"""``manage.py audit_checkpoint [--export FILE]``: sign the audit chain's head and store the
checkpoint (Celery beat does this daily); ``--export`` also writes it to a file, to be kept
outside the database (``verify_audit --checkpoint FILE`` checks the chain against it)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from audit.checkpoints import checkpoint_create, checkpoint_export


class Command(BaseCommand):
    help = "Sign the audit chain's current head and store it as a checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--export", metavar="FILE", help="also write the checkpoint here")

    def handle(self, *args, **options):
        checkpoint = checkpoint_create()
        self.stdout.write(
            f"checkpoint #{checkpoint.sequence} head {checkpoint.head_hash} signed "
            f"(key {checkpoint.key_id})"
        )
        if options["export"]:
            checkpoint_export(checkpoint, Path(options["export"]))
            self.stdout.write(f"exported to {options['export']}")
