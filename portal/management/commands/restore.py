"""``manage.py restore FOLDER``: load a backup made by ``manage.py backup`` into the configured,
empty database and media folder (portal/backup.py), after checking every file's SHA-256."""

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore, migrations_not_in_backup


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and an empty media folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a portal-backup-<time> folder")

    def handle(self, *args, **options):
        try:
            backup = backup_restore(folder=options["folder"])
        except BackupError as error:
            raise CommandError(str(error), returncode=1) from error
        manifest = backup.manifest
        media = manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(
                f"restored the {manifest['database']['vendor']} database and "
                f"{media.get('files', 0)} media files of {manifest['created_at']}"
            )
        )
        checkpoint = backup.folder / manifest["audit_checkpoint"]["file"]
        self.stdout.write(f"next: python manage.py verify_audit --full --checkpoint {checkpoint}")
        missing = migrations_not_in_backup(manifest)
        if missing:
            self.stdout.write(
                f"this release has {len(missing)} migrations the backup had not applied "
                f"(first: {missing[0]}): run python manage.py migrate"
            )
