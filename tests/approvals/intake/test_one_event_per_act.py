"""One act, one event: each intake act writes one audit event about the application, carrying
its status change and everything the act did with it (documents and review tasks the act creates
keep their own events)."""

import pytest

from approvals.models import ClockPause
from approvals.services.intake import intake_accept, intake_refuse, intake_request_supplement
from tests.support import in_days, recorded_events

pytestmark = pytest.mark.django_db


def test_a_supplement_notice_is_one_event_naming_the_pause(submitted, clerk):
    with recorded_events() as recorded:
        request = intake_request_supplement(
            actor=clerk,
            application=submitted,
            revision=submitted.revision,
            items=[{"material": "lease", "problem": "The lease is not signed"}],
            reply_by=in_days(15),
        )
    pause = ClockPause.objects.get(application=submitted, ended_on__isnull=True)
    event = recorded.the_one()
    assert event.action == "intake.supplement_requested"
    assert event.changes["status"] == ["submitted", "supplement_requested"]
    assert event.changes["supplement_request"] == [None, request.pk]
    assert event.changes["pause"] == [None, pause.pk]
    assert event.changes["kind"] == [None, "supplement"]


def test_an_acceptance_is_one_event_carrying_the_start_of_the_review(submitted, clerk):
    with recorded_events() as recorded:
        intake_accept(actor=clerk, application=submitted, revision=submitted.revision)
    # one event about the application: accepted and under review, with the review's first
    # tasks (each task and the notice keep their own fact)
    event = recorded.the_one()
    assert (event.action, event.object_id) == ("intake.accepted", str(submitted.pk))
    assert event.changes["status"] == ["submitted", "under_review"]
    assert event.changes["revision"] == [submitted.revision, submitted.revision + 2]
    tasks = sorted(submitted.tasks.values_list("pk", flat=True))
    assert tasks and sorted(event.changes["tasks"][1]) == tasks
    assert event.changes["accepted_on"][1] is not None
    assert {"workflow.started", "application.accept"}.isdisjoint(e.action for e in recorded)
    # and the history reads the acceptance before the tasks it created
    about = [e.action for e in recorded if e.object_type != "approvals.document"]
    assert about == ["intake.accepted"] + ["task.created"] * len(tasks)


def test_a_refusal_is_one_event(submitted, clerk):
    with recorded_events() as recorded:
        intake_refuse(
            actor=clerk, application=submitted, revision=submitted.revision, reasons="Not ours"
        )
    event = recorded.the_one()
    assert event.action == "intake.refused"
    assert event.changes["status"] == ["submitted", "not_accepted"]
