"""Counting the audit events one service call writes: one act, one event."""

from __future__ import annotations

from contextlib import contextmanager

from approvals.models import AuditEvent

# Objects an act creates or issues record their own fact (a document issued, a review task
# created, a licence issued); the act itself is one event about the application or its task.
OWN_FACT_OBJECTS = ("approvals.document", "approvals.licence")
OWN_FACT_ACTIONS = ("task.created", "task.cancelled", "document.issued")


class RecordedEvents(list):
    def of_the_act(self) -> list[AuditEvent]:
        """The events that describe the act (not the facts of objects it created)."""
        return [
            event
            for event in self
            if event.object_type not in OWN_FACT_OBJECTS and event.action not in OWN_FACT_ACTIONS
        ]

    def the_one(self) -> AuditEvent:
        """The act's one event; fails naming every event when there is not exactly one."""
        act = self.of_the_act()
        assert len(act) == 1, f"expected one event for the act, got {[e.action for e in act]}"
        return act[0]


@contextmanager
def recorded_events():
    """``with recorded_events() as recorded: service(...)``: ``recorded`` lists the events the
    block wrote, in chain order."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    recorded = RecordedEvents()
    yield recorded
    recorded.extend(AuditEvent.objects.filter(sequence__gt=last or 0).order_by("sequence"))
