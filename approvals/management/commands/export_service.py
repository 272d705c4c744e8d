"""``manage.py export_service CODE > service.json``: a service item and every version of it as JSON,
for ``import_service`` on another installation (template files are left out). With ``--theme``,
the 一件事 theme CODE instead (its members named by service code)."""

import json

from django.core.management.base import BaseCommand, CommandError

from approvals.models import ServiceItem, ThemeItem
from approvals.services.catalogue_io import export_service, export_theme


class Command(BaseCommand):
    help = "Write a service item with all its versions and materials as JSON to standard output."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The service item code, e.g. FOOD-LIC.")
        parser.add_argument(
            "--theme", action="store_true", help="CODE names a one-thing theme, e.g. RESTAURANT."
        )

    def handle(self, *args, code, theme=False, **options):
        if theme:
            item = ThemeItem.objects.filter(code=code).first()
            if item is None:
                raise CommandError(f"no one-thing theme has the code {code!r}")
            self.stdout.write(json.dumps(export_theme(item), ensure_ascii=False, indent=2))
            return
        item = ServiceItem.objects.select_related("department").filter(code=code).first()
        if item is None:
            raise CommandError(f"no service item has the code {code!r}")
        self.stdout.write(json.dumps(export_service(item), ensure_ascii=False, indent=2))
