"""``manage.py ensure_seal_certificates``: a demo seal for every department that has none.

Run by ``make run`` (scripts/run.sh). Creates, under SEAL_CERT_DIR (default var/seals), a local
demo CA and a certificate for each active department signed by it. It refuses when
SEAL_DEMO_CA is off (it then only lists the departments without a seal): production installs the
government CA's certificates instead.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Department
from approvals.documents.sealing import (
    ensure_demo_ca,
    ensure_department_certificate,
    has_certificate,
    seal_dir,
)


class Command(BaseCommand):
    help = "Create a local demo CA and department seal certificates where none exist."

    def handle(self, *args, **options):
        departments = Department.objects.filter(is_active=True).order_by("code")
        if not settings.SEAL_DEMO_CA:
            missing = [d.code for d in departments if not has_certificate(d)]
            self.stdout.write(
                f"SEAL_DEMO_CA is off; departments without a seal under {seal_dir()}: "
                + (", ".join(missing) if missing else "none")
            )
            return
        root = ensure_demo_ca()
        created = [
            department.code
            for department in departments
            if ensure_department_certificate(department)
        ]
        self.stdout.write(
            f"Seal certificates in {seal_dir()}: {len(created)} created"
            + (f" ({', '.join(created)})" if created else "")
            + f"; trust root {root}."
        )
