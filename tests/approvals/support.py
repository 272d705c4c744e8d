"""What the sources write into the audit trail, read from the sources themselves: the action codes
(tests/approvals/test_audit_labels.py gives each a label; test_audit_changes.py renders an event
of each)."""

import re
from pathlib import Path

from django.conf import settings

from approvals.domain import workflow as workflow_domain
from approvals.domain.lifecycle import Action
from approvals.models import CardColour

ROOT = Path(settings.BASE_DIR)
CODE = r'"([a-z_]+\.[a-z_]+)"'
# action="x.y" / event="x.y" (also both arms of a conditional), _record_denied("x.y", and
# ADMIN_ADD = "admin.add"
WRITES = re.compile(r"\b(?:action|event)=(.*)$|_record_denied\(" + CODE + r"|^ADMIN_\w+ = " + CODE)


def written_codes() -> set[str]:
    """Every action code a source file writes (``action=``/``event=``, a denied access, an admin
    action), and those built in f-strings."""
    codes: set[str] = set()
    for app in ("approvals", "accounts", "audit"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                match = WRITES.search(line.strip())
                if match is None:
                    continue
                if match.group(1) is not None:
                    codes.update(re.findall(CODE, match.group(1)))
                else:
                    codes.add(match.group(2) or match.group(3))
    # codes built in f-strings
    codes.update(f"application.{action}" for action in Action)
    codes.update(f"supervision.card_{colour}" for colour in CardColour.values)
    # workflow.<decision class> after a task decision (Wait writes nothing)
    decisions = ("FanOut", "Advance", "ReturnTo", "Reject", "Complete", "NeedsSecondApproval")
    codes.update(
        f"workflow.{getattr(workflow_domain, name).__name__.lower()}" for name in decisions
    )
    return codes
