"""Task services beyond the decisions: visibility and grants, claiming and assignment rules,
returns to the applicant, clock pauses and extension requests; each asserts its audit event."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from approvals.models import ClockPause, DeadlineExtension, ReviewTask, SupplementRequest
from approvals.selectors import policy
from approvals.selectors.tasks import department_queue, get_task_for_official
from approvals.services.grants import grant_application_access, revoke_application_access
from approvals.services.tasks import (
    StaleTask,
    task_assign,
    task_claim,
    task_pause_clock,
    task_release,
    task_request_extension,
    task_resume_clock,
    task_return_to_applicant,
)
from tests.factories import OfficialFactory
from tests.support import events, recorded_events

from .conftest import task_of

pytestmark = pytest.mark.django_db


def visible_pks(user):
    return set(
        ReviewTask.objects.filter(policy.official_task_visibility(user)).values_list(
            "pk", flat=True
        )
    )


def test_visibility_by_department_and_role(demo, started):
    planning = task_of(started, "planning")
    assert visible_pks(demo.reviewers["planning"]) == {planning.pk}
    assert visible_pks(demo.other_reviewer) == set()
    # an approver of the same department sees no reviewer task
    assert visible_pks(demo.approver) == set()
    # the head sees every task of the department
    assert visible_pks(demo.head) == {planning.pk}
    with pytest.raises(Http404):
        get_task_for_official(demo.other_reviewer, planning.pk)


def test_inactive_position_sees_nothing(demo, started):
    demo.reviewers["planning"].positions.update(is_active=False)
    assert visible_pks(demo.reviewers["planning"]) == set()


def test_grant_makes_one_application_visible_and_revocation_hides_it(demo, started, make_accepted):
    from approvals.services.workflow import workflow_start

    other_application = make_accepted()
    workflow_start(actor=demo.clerk, application=other_application)
    # when the natres head grants the supervisor access to one application
    grant_application_access(
        actor=demo.head, application=started, user=demo.supervisor, reason="complaint 12"
    )
    # then the supervisor sees its tasks, and only those
    seen = ReviewTask.objects.filter(pk__in=visible_pks(demo.supervisor))
    assert {task.application_id for task in seen} == {started.pk}
    assert seen.count() == 3
    assert events("permission.granted", started).get().reason == "complaint 12"
    assert department_queue(demo.supervisor).counts["total"] == 3
    # when it is revoked, they are hidden again
    revoke_application_access(actor=demo.head, application=started, user=demo.supervisor)
    assert visible_pks(demo.supervisor) == set()
    assert events("permission.revoked", started).count() == 1


def test_only_a_head_of_a_department_on_the_case_grants(demo, started):
    with pytest.raises(PermissionDenied):
        grant_application_access(
            actor=demo.reviewers["planning"],
            application=started,
            user=demo.supervisor,
            reason="x",
        )
    assert not events("permission.granted").exists()


def test_claim_release_and_claim_by_another(demo, started):
    task = task_of(started, "planning")
    colleague = OfficialFactory(department=demo.natres).user
    task_claim(actor=demo.reviewers["planning"], task=task, revision=task.revision)
    task.refresh_from_db()
    assert task.assignee == demo.reviewers["planning"]
    assert events("task.claimed", task).count() == 1
    with pytest.raises(ValidationError):
        task_claim(actor=colleague, task=task, revision=task.revision)
    with pytest.raises(PermissionDenied):
        task_release(actor=colleague, task=task, revision=task.revision)
    with pytest.raises(StaleTask):
        task_release(actor=demo.reviewers["planning"], task=task, revision=task.revision - 1)
    task_release(actor=demo.reviewers["planning"], task=task, revision=task.revision)
    task.refresh_from_db()
    assert task.assignee is None
    assert events("task.released", task).count() == 1


def test_claim_needs_the_task_department_and_role(demo, started):
    task = task_of(started, "fire")
    with pytest.raises(PermissionDenied):
        task_claim(actor=demo.reviewers["planning"], task=task, revision=task.revision)
    assert not events("task.claimed").exists()


def test_head_assigns_only_to_members_with_the_role(demo, started):
    task = task_of(started, "planning")
    with pytest.raises(ValidationError):
        task_assign(actor=demo.head, task=task, assignee=demo.approver, revision=task.revision)
    with pytest.raises(PermissionDenied):
        task_assign(
            actor=demo.reviewers["planning"],
            task=task,
            assignee=demo.reviewers["planning"],
            revision=task.revision,
        )
    task_assign(
        actor=demo.head, task=task, assignee=demo.reviewers["planning"], revision=task.revision
    )
    task.refresh_from_db()
    assert task.assignee == demo.reviewers["planning"]
    assert events("task.assigned", task).count() == 1


def test_decision_by_someone_else_than_the_assignee_is_refused(demo, started):
    from approvals.services.tasks import task_approve

    task = task_of(started, "planning")
    colleague = OfficialFactory(department=demo.natres).user
    task_claim(actor=demo.reviewers["planning"], task=task, revision=task.revision)
    task.refresh_from_db()
    with pytest.raises(PermissionDenied):
        task_approve(actor=colleague, task=task, revision=task.revision)
    task.refresh_from_db()
    assert task.status == "open"


def test_return_to_applicant_pauses_the_clock_and_requests_a_supplement(demo, started):
    task = task_of(started, "housing")
    with recorded_events() as recorded:
        request = task_return_to_applicant(
            actor=demo.reviewers["housing"],
            task=task,
            revision=task.revision,
            items=[{"material": "", "problem": "Floor plans unsigned"}, {"problem": " "}],
        )
    started.refresh_from_db()
    assert started.status == "review_supplement"
    assert request.during_review and request.items == [
        {"material": "", "problem": "Floor plans unsigned"}
    ]
    assert SupplementRequest.objects.filter(application=started).count() == 1
    assert ClockPause.objects.get(application=started, ended_on__isnull=True).kind == "supplement"
    # one act, one event: the return carries the status change, the notice and the pause
    event = recorded.the_one()
    assert event.action == "task.returned_to_applicant"
    assert event.object_id == str(started.pk)
    assert event.changes["status"] == ["under_review", "review_supplement"]
    assert event.changes["task"] == [None, task.pk]
    assert event.changes["supplement_request"] == [None, request.pk]
    assert event.changes["kind"] == [None, "supplement"]
    assert started.created_by.notifications.filter(kind="supplement.requested").exists()
    task.refresh_from_db()
    assert task.status == "open"


def test_return_to_applicant_needs_items(demo, started):
    task = task_of(started, "housing")
    with pytest.raises(ValidationError):
        task_return_to_applicant(
            actor=demo.reviewers["housing"], task=task, revision=task.revision, items=[]
        )
    assert not SupplementRequest.objects.exists()


def test_pause_and_resume_the_clock(demo, started):
    task = task_of(started, "fire")
    with recorded_events() as recorded:
        pause = task_pause_clock(
            actor=demo.reviewers["fire"],
            task=task,
            revision=task.revision,
            kind="inspection",
            reason="Site inspection",
            expected_working_days=5,
        )
    assert pause.kind == "inspection" and pause.ended_on is None
    # one act, one event: the reviewer's pause names the pause and its application
    paused = recorded.the_one()
    assert (paused.action, paused.object_id) == ("task.clock_paused", str(task.pk))
    assert paused.changes["pause"] == [None, pause.pk]
    assert paused.changes["application"] == [None, started.pk]
    assert paused.changes["expected_working_days"] == [None, 5]
    with pytest.raises(ValidationError):
        task_pause_clock(
            actor=demo.reviewers["fire"],
            task=task,
            revision=task.revision,
            kind="supplement",
            reason="x",
        )
    task.refresh_from_db()
    with recorded_events() as recorded:
        ended = task_resume_clock(actor=demo.reviewers["fire"], task=task, revision=task.revision)
    assert ended.pk == pause.pk and ended.ended_on is not None
    resumed = recorded.the_one()
    assert (resumed.action, resumed.object_id) == ("task.clock_resumed", str(task.pk))
    assert resumed.changes["ended_on"] == [None, ended.ended_on.isoformat()]


def test_request_an_extension_and_the_head_decides_on_the_page(
    demo, started, verified_client_factory
):
    from django.urls import reverse

    task = task_of(started, "planning")
    with recorded_events() as recorded:
        extension = task_request_extension(
            actor=demo.reviewers["planning"],
            task=task,
            revision=task.revision,
            working_days=5,
            reason="Expert opinion pending",
        )
    assert extension.status == "requested"
    requested = recorded.the_one()
    assert (requested.action, requested.object_id) == ("task.extension_requested", str(task.pk))
    assert requested.changes["extension"] == [None, extension.pk]
    assert demo.head.notifications.filter(kind="extension.requested").exists()
    head = verified_client_factory(demo.head)
    page = head.get(reverse("approvals:work_extensions"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Expert opinion pending" in page.content.decode()
    head.post(
        reverse("approvals:work_extensions"), {"extension": extension.pk, "decision": "approve"}
    )
    assert DeadlineExtension.objects.get(pk=extension.pk).status == "approved"
    assert events("extension.approved", extension).count() == 1
