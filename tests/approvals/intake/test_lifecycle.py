"""application_transition: the one place that changes an application's status."""

import threading

import pytest
from django.db import connection

from approvals.domain.lifecycle import TransitionNotAllowed
from approvals.models import Application
from approvals.services.applications import StaleApplication
from approvals.services.lifecycle import application_transition
from tests.support import events


@pytest.mark.django_db
def test_an_allowed_transition_changes_status_bumps_revision_and_is_audited(submitted, clerk):
    # given a submitted application at revision r
    before = submitted.revision

    # when the window requests a supplement through the transition
    result = application_transition(
        actor=clerk, application=submitted, action="request_supplement", reason="Plan missing"
    )

    # then the stored status and revision moved on, and one event says so
    stored = Application.objects.get(pk=submitted.pk)
    assert stored.status == result.status == "supplement_requested"
    assert stored.revision == before + 1
    [event] = events("application.request_supplement", submitted)
    assert event.changes["status"] == ["submitted", "supplement_requested"]
    assert event.changes["revision"] == [before, before + 1]
    assert event.reason == "Plan missing" and event.actor == clerk


@pytest.mark.django_db
def test_an_undefined_transition_is_refused_and_changes_nothing(submitted, clerk):
    with pytest.raises(TransitionNotAllowed):
        application_transition(actor=clerk, application=submitted, action="approve")

    stored = Application.objects.get(pk=submitted.pk)
    assert stored.status == "submitted" and stored.revision == submitted.revision
    assert not events("application.approve", submitted)


@pytest.mark.django_db
def test_a_stale_revision_is_refused(submitted, clerk):
    with pytest.raises(StaleApplication):
        application_transition(
            actor=clerk, application=submitted, action="accept", revision=submitted.revision - 1
        )
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


@pytest.mark.django_db
def test_fields_change_in_the_same_step_and_the_review_supplement_returns_to_review(
    submitted, clerk
):
    application_transition(actor=clerk, application=submitted, action="accept")
    application_transition(actor=clerk, application=submitted, action="start_review")
    application_transition(actor=clerk, application=submitted, action="request_supplement")

    result = application_transition(
        actor=None,
        application=submitted,
        action="answer_supplement",
        fields={"current_stage_key": "review"},
    )

    assert result.status == "under_review" and result.current_stage_key == "review"
    [event] = events("application.answer_supplement", submitted)
    assert event.actor is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_accepting_at_once_give_one_outcome(make_submitted, clerk):
    from django.db import connections

    application = make_submitted()
    outcomes = []
    barrier = threading.Barrier(2)

    def accept():
        try:
            barrier.wait()
            application_transition(actor=clerk, application=application, action="accept")
            outcomes.append("accepted")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "refused"]
    assert len(events("application.accept", application)) == 1
