"""``manage.py import_service service.json``: add the versions in an exported file as new drafts
(creating the service item when it is missing). A 一件事 theme's file (``export_service --theme``,
format ``portal-theme/1``) is imported the same way, after the services it names. Nothing is
stored unless the whole file is valid; published versions are never changed. Publish the drafts
in the admin after checking them."""

import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from approvals.services.catalogue_io import THEME_FORMAT, import_service, import_theme


class Command(BaseCommand):
    help = (
        "Import services or one-thing themes from a JSON file written by export_service "
        "(use - for stdin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file, or - to read standard input.")
        parser.add_argument(
            "--actor",
            help="Email of the catalogue administrator to record as the importer "
            "(default: the system).",
        )

    def handle(self, *args, file, actor=None, **options):
        user = None
        if actor:
            user = User.objects.filter(email__iexact=actor).first()
            if user is None:
                raise CommandError(f"no user has the email {actor!r}")
        try:
            if file == "-":
                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        services = data if isinstance(data, list) else [data]
        try:
            with transaction.atomic():
                items = [
                    (import_theme if _is_theme(data) else import_service)(data, actor=user)
                    for data in services
                ]
        except ValidationError as exc:
            raise CommandError("nothing imported:\n" + "\n".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{actor} may not manage the service catalogue") from exc
        for item in items:
            numbers = ", ".join(str(number) for number in item.imported_numbers)
            self.stdout.write(
                self.style.SUCCESS(f"{item.code}: imported as draft versions {numbers}")
            )


def _is_theme(data) -> bool:
    return isinstance(data, dict) and data.get("format") == THEME_FORMAT
