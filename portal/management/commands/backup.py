"""``manage.py backup [--into DIR]``: copy the database, the media folder and a freshly signed
audit checkpoint into one dated folder with a manifest (portal/backup.py). Never the seal or
checkpoint-signing keys."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database, the media folder and a signed audit checkpoint."

    def add_arguments(self, parser):
        parser.add_argument(
            "--into",
            metavar="DIR",
            help="the folder that receives the dated backup folder (default: BACKUP_DIR)",
        )

    def handle(self, *args, **options):
        into = Path(options["into"] or settings.BACKUP_DIR)
        try:
            backup = backup_create(into=into)
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from error
        manifest = backup.manifest
        for name, facts in manifest["files"].items():
            self.stdout.write(f"  {name}: {facts['size']} bytes, sha256 {facts['sha256']}")
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {backup.folder} (audit checkpoint "
                f"#{manifest['audit_checkpoint']['sequence']})"
            )
        )
