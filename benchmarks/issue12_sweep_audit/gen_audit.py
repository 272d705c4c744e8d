# ruff: noqa - a rough measuring script (README.md), not application code
"""Append N realistic audit events to the chain quickly (bulk_create, hashes by compute_hash)."""

import os, sys, datetime as dt, random
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()
from django.db import transaction
from django.utils import timezone
from audit.models import AuditChainHead, AuditEvent
from audit.chain import _json_safe

n = int(sys.argv[1])
rnd = random.Random(1)
actions = [
    "application.submitted",
    "application.accepted",
    "task.completed",
    "task.claimed",
    "document.issued",
    "deadline.filled",
    "application.viewed",
]
with transaction.atomic():
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    seq, prev = head.sequence, head.hash
    now = timezone.now()
    batch = []
    for i in range(n):
        seq += 1
        e = AuditEvent(
            sequence=seq,
            occurred_at=now - dt.timedelta(seconds=n - i),
            actor_id=rnd.randint(1, 5000),
            actor_label=f"{rnd.randint(1, 5000)}:user{rnd.randint(1, 5000)}@example.gov.cn",
            actor_role=rnd.choice(["reviewer", "intake_clerk", ""]),
            actor_department_id=rnd.choice([None, 3, 7]),
            on_behalf_of="",
            client_ip=rnd.choice([None, "203.0.113.7", "2001:db8::1"]),
            request_id=f"req-{seq:012d}",
            action=rnd.choice(actions),
            object_type="approvals.application",
            object_id=str(rnd.randint(1, 1000000)),
            changes=_json_safe(
                {
                    "status": ["submitted", "accepted"],
                    "accepted_on": [None, dt.date(2026, 3, 4)],
                    "note": [None, "材料齐全，予以受理"],
                }
                if i % 3
                else {"decision": [None, "approved"]}
            ),
            reason=rnd.choice(["", "No intake decision within 5 working days", "材料不全"]),
            outcome="done",
            previous_hash=prev,
        )
        e.hash = e.compute_hash()
        prev = e.hash
        batch.append(e)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    head.sequence, head.hash = seq, prev
    head.save(update_fields=["sequence", "hash"])
print("head", seq)
