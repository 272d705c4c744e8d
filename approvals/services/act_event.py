"""One act, one event: the audit event of an act that takes several steps.

An act such as an acceptance runs steps that each have something to record (the status change,
the applicant's commitment, the review's first tasks). The act constructs its ``ActEvent``,
naming it (``intake.accepted``) and the object it is about; each step it calls with ``act=``
adds what it did to that event's changes instead of writing an event of its own; the act
records the one event at its end. Objects the act creates or issues (tasks, documents) keep
their own ``*.created``/``*.issued`` fact. A step called on its own records its own event as
before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from audit.chain import audit_record
from audit.models import AuditEvent


@dataclass
class ActEvent:
    """The act's one event, filled in by its steps and written once (``record``)."""

    action: str
    obj: models.Model
    actor: object = None
    reason: str = ""
    on_behalf_of: str = ""
    changes: dict = field(default_factory=dict)
    recorded: AuditEvent | None = None
    facts: list[Callable[[], object]] = field(default_factory=list)

    def add(self, changes: dict, *, reason: str = "", on_behalf_of: str = "") -> None:
        """A step's part of the event: its changes (a status moved twice by the act keeps its
        first ``before`` and its last ``after``), and the reason when the act gave none."""
        for name, value in changes.items():
            earlier = self.changes.get(name)
            if (
                name in ("status", "revision")
                and isinstance(earlier, list)
                and isinstance(value, list)
            ):
                value = [earlier[0], value[1]]
            self.changes[name] = value
        self.reason = self.reason or reason
        self.on_behalf_of = self.on_behalf_of or on_behalf_of

    def then(self, record_fact: Callable[[], object]) -> None:
        """Record an object's own fact (a task created by the act) right after the act's event,
        so that histories read the act before what it created."""
        if self.recorded is not None:
            record_fact()
        else:
            self.facts.append(record_fact)

    def record(self) -> AuditEvent:
        """Write the event, then the facts waiting for it (once: a second call returns the
        first)."""
        if self.recorded is None:
            self.recorded = audit_record(
                action=self.action,
                actor=self.actor,
                obj=self.obj,
                reason=self.reason,
                on_behalf_of=self.on_behalf_of,
                changes=self.changes,
            )
            for record_fact in self.facts:
                record_fact()
            self.facts.clear()
        return self.recorded
