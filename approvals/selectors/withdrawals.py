"""Why an application was withdrawn, in its reader's language.

An applicant withdraws with a reason they typed; the issuing department withdraws a licence's open
change and renewal applications when it revokes the licence (``licence_revoke``). The withdrawal's
audit event then keeps the facts — the revoking official's reason as its ``reason``, the licence
(and whether its pledge was found false) in its ``changes`` — and every reader reads "Licence …
was revoked: …" in their own language (``LicenceRevoked.sentence``), not in the language of the
official who revoked.

Events written before kept that sentence, rendered once, as their reason (in English or Chinese,
the two forms the code wrote). Audit events are append-only (database triggers) and hash-chained,
so they cannot be rewritten: ``revoked_withdrawal`` recognises both stored forms when reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from approvals.models import Application, ApplicationStatus
from approvals.selectors.licences import status_reason_text
from audit.models import AuditEvent

# The withdrawal event's facts (``changes``): the revoked licence's number, and, when a pledge
# found false revoked it, that the reason is the verification's finding.
REVOKED_LICENCE = "revoked_licence"
REVOKED_FOR_FALSE_PLEDGE = "revoked_for_false_pledge"

# The events that kept the revocation as their reason: the follow-up's withdrawal and the
# cancellation of its open tasks with it.
_WITHDRAWAL_ACTIONS = frozenset({"application.withdrawn", "task.cancelled"})

# The sentence as stored before, in the two languages it was rendered in (the msgid and its one
# msgstr since revocations withdrew follow-ups): the licence number has no spaces
# (``licence_number``: ``<DEPARTMENT>-<YEAR>-<SEQUENCE>``), the reason is the rest.
_STORED_SENTENCES = (
    re.compile(r"\ALicence (?P<number>\S+) was revoked: (?P<reason>.+)\Z", re.DOTALL),
    re.compile(r"\A许可证(?P<number>\S+?)已被撤销：(?P<reason>.+)\Z", re.DOTALL),
)
# A pledge found false, as its finding was worded before the finding alone was kept (0035).
_STORED_FALSE_PLEDGE = (
    "False pledge (告知承诺) found at verification: ",
    "经事后核查，申请人告知承诺不实：",
)


@dataclass(frozen=True)
class LicenceRevoked:
    """An application withdrawn because the licence it changes or renews was revoked: which
    licence, and whether a pledge found false revoked it (the reason is then the finding)."""

    number: str
    false_pledge: bool = False

    def changes(self) -> dict:
        """The facts, as the withdrawal event records them."""
        facts = {REVOKED_LICENCE: [None, self.number]}
        if self.false_pledge:
            facts[REVOKED_FOR_FALSE_PLEDGE] = [None, True]
        return facts

    def sentence(self, reason: str) -> str:
        """Why the application was withdrawn, in the active language."""
        return _("Licence %(number)s was revoked: %(reason)s") % {
            "number": self.number,
            "reason": status_reason_text(reason, false_pledge=self.false_pledge),
        }


def revoked_withdrawal(event) -> tuple[LicenceRevoked, str] | None:
    """The revocation behind a withdrawal event (or a cancellation of its tasks), with the
    revoking official's reason; ``None`` for any other event or reason. Reads the facts the
    event keeps, or the sentence an event kept before; a reason in neither form is someone's own
    words and is left as written."""
    if event.action not in _WITHDRAWAL_ACTIONS or not event.reason:
        return None
    changes = event.changes or {}
    recorded = changes.get(REVOKED_LICENCE)
    if isinstance(recorded, list) and len(recorded) == 2 and recorded[1]:
        false_pledge = bool((changes.get(REVOKED_FOR_FALSE_PLEDGE) or [None, False])[1])
        return LicenceRevoked(str(recorded[1]), false_pledge=false_pledge), event.reason
    for pattern in _STORED_SENTENCES:
        match = pattern.match(event.reason)
        if match is None:
            continue
        reason = match["reason"]
        for prefix in _STORED_FALSE_PLEDGE:
            if reason.startswith(prefix) and reason[len(prefix) :].strip():
                return LicenceRevoked(match["number"], false_pledge=True), reason[len(prefix) :]
        return LicenceRevoked(match["number"]), reason
    return None


def withdrawal_reason_text(event) -> str | None:
    """A withdrawal event's reason in the active language when a revocation gave it; ``None``
    when it is a person's own words."""
    found = revoked_withdrawal(event)
    if found is None:
        return None
    revoked, reason = found
    return revoked.sentence(reason)


def withdrawal_reason(application: Application) -> str:
    """Why ``application`` was withdrawn, in the active language, for the applicant's page and
    the API: the applicant's own words, or the revocation of the licence it changes or renews.
    Empty for an application not withdrawn (no query) or without a recorded reason. One query on
    the application's events (``audit_object`` index)."""
    if application.status != ApplicationStatus.WITHDRAWN:
        return ""
    event = (
        AuditEvent.objects.filter(
            object_type="approvals.application",
            object_id=str(application.pk),
            action="application.withdrawn",
        )
        .only("action", "reason", "changes")
        .order_by("-sequence")
        .first()
    )
    if event is None:
        return ""
    text = withdrawal_reason_text(event)
    return text if text is not None else event.reason
