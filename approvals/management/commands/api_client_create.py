"""``manage.py api_client_create NAME --scope licence:read [--department CODE]``: a new API client
for another system; prints its secret once (only its hash is stored)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Department
from approvals.models.api import ApiScope
from approvals.services.api_credentials import api_client_create


class Command(BaseCommand):
    help = "Create an API client with scopes and print its secret (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope", action="append", default=[], choices=ApiScope.values, dest="scopes"
        )
        parser.add_argument("--department", help="Department code: only its data is visible.")

    def handle(self, *args, name, scopes, department, **options):
        dept = None
        if department:
            dept = Department.objects.filter(code=department).first()
            if dept is None:
                raise CommandError(f"no department has the code {department!r}")
        try:
            client, raw = api_client_create(actor=None, name=name, scopes=scopes, department=dept)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"API client {client.name} (id {client.pk}), scopes {client.scopes}")
        self.stdout.write("Secret (shown once; store it now):")
        self.stdout.write(raw)
