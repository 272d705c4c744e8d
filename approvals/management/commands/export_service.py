"""``manage.py export_service CODE > service.json``: a service item and every version of it as JSON,
for ``import_service`` on another installation (template files are left out)."""

import json

from django.core.management.base import BaseCommand, CommandError

from approvals.models import ServiceItem
from approvals.services.catalogue_io import export_service


class Command(BaseCommand):
    help = "Write a service item with all its versions and materials as JSON to standard output."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The service item code, e.g. FOOD-LIC.")

    def handle(self, *args, code, **options):
        item = ServiceItem.objects.select_related("department").filter(code=code).first()
        if item is None:
            raise CommandError(f"no service item has the code {code!r}")
        self.stdout.write(json.dumps(export_service(item), ensure_ascii=False, indent=2))
