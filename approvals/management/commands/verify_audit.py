"""``manage.py verify_audit``: check the audit trail's hash chain (DESIGN.md §4).

Walks every event from the first to the last and compares the end of the chain with the head row
that writers update, so that an edited, deleted, reordered or cut-off event is found. Exits 0 when
the chain is intact and 1, naming the first bad event, when it is not — for cron and monitoring.
"""

from django.core.management.base import BaseCommand, CommandError

from approvals.audit import verify_chain
from approvals.models.audit import AuditChainHead


class Command(BaseCommand):
    help = "Check that the audit trail's hash chain is unbroken up to the recorded head."

    def handle(self, *args, **options):
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is None:
            raise CommandError(
                "audit chain head row is missing: cannot tell whether events were cut off",
                returncode=1,
            )
        problem = verify_chain(head_sequence=head.sequence, head_hash=head.hash)
        if problem is not None:
            raise CommandError(f"audit chain broken: {problem}", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(f"audit chain intact: {head.sequence} events, head {head.hash}")
        )
