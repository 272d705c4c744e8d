"""The workflow service over the demo's parallel planning permit."""

import pytest

from approvals.models import Application, ReviewTask
from approvals.services.tasks import (
    task_approve,
    task_reject,
    task_return_to_stage,
)
from approvals.services.workflow import (
    SelfApprovalError,
    WorkflowAlreadyStarted,
    workflow_start,
)
from tests.support import events, recorded_events

from .conftest import task_of

pytestmark = pytest.mark.django_db


def approve_all_reviews(demo, application):
    for branch, user in demo.reviewers.items():
        task = task_of(application, branch)
        task_approve(actor=user, task=task, revision=task.revision, comment=f"{branch} ok")


def test_start_skips_the_window_stage_and_fans_out_three_parallel_tasks(demo, make_accepted):
    # given an application the window accepted
    application = make_accepted()
    # when the workflow starts
    tasks = workflow_start(actor=demo.clerk, application=application)
    # then the joint review stage has one open task per department, with due dates
    application.refresh_from_db()
    assert application.status == "under_review"
    assert application.current_stage_key == "joint_review"
    assert application.workflow_round == 1
    assert {(t.branch_key, t.department.code, t.role) for t in tasks} == {
        ("planning", "fz-natres", "reviewer"),
        ("housing", "fz-housing", "reviewer"),
        ("fire", "fz-fire", "reviewer"),
    }
    assert all(t.status == "open" and t.due_on is not None for t in tasks)
    assert not ReviewTask.objects.filter(application=application, stage_key="intake").exists()
    # (its one event, carrying the status change and the tasks it created)
    started = events("workflow.started", application).get()
    assert started.changes["status"] == ["accepted", "under_review"]
    assert sorted(started.changes["tasks"][1]) == sorted(t.pk for t in tasks)
    assert events("task.created").count() == 3
    # and each department's reviewer is told
    for user in demo.reviewers.values():
        assert user.notifications.filter(kind="task.new").count() == 1


def test_start_twice_is_refused(demo, started):
    with pytest.raises(WorkflowAlreadyStarted):
        workflow_start(actor=demo.clerk, application=started)
    assert ReviewTask.objects.filter(application=started).count() == 3


def test_all_approve_then_second_approval_approves_the_application(demo, started):
    # given the three departments approve, the last one's approval one act with one event
    for branch, user in demo.reviewers.items():
        task = task_of(started, branch)
        with recorded_events() as recorded:
            task_approve(actor=user, task=task, revision=task.revision, comment=f"{branch} ok")
    started.refresh_from_db()
    # then the decision stage fans out to the planning approver
    assert started.current_stage_key == "decision"
    assert started.status == "under_review"
    decision = task_of(started, "decision")
    # and the last approval's one event carries the engine's step and the new task
    approved = recorded.the_one()
    assert (approved.action, approved.object_id) == ("task.approved", str(task.pk))
    assert approved.changes["workflow_step"] == [None, "advance"]
    assert approved.changes["stage"] == ["joint_review", "decision"]
    assert approved.changes["tasks"] == [None, [decision.pk]]
    assert [e.action for e in recorded] == ["task.approved", "task.created"]  # act, then fact
    assert not events("workflow.advance", started).exists()
    assert not events("workflow.wait", started).exists()
    assert (decision.department.code, decision.role) == ("fz-natres", "approver")
    # when the approver drafts the approval
    with recorded_events() as recorded:
        task_approve(actor=demo.approver, task=decision, revision=decision.revision, comment="ok")
    decision.refresh_from_db()
    started.refresh_from_db()
    # then it waits for a second person: one event, the draft naming the step
    assert decision.status == "open" and decision.drafted_by == demo.approver
    assert started.status == "under_review"
    drafted = recorded.the_one()
    assert drafted.action == "task.drafted"
    assert drafted.changes["workflow_step"] == [None, "needssecondapproval"]
    assert demo.approver2.notifications.filter(kind="task.second_approval").exists()
    assert not demo.approver.notifications.filter(kind="task.second_approval").exists()
    # and the drafter may not give the second approval
    with pytest.raises(SelfApprovalError):
        task_approve(actor=demo.approver, task=decision, revision=decision.revision)
    decision.refresh_from_db()
    assert decision.status == "open"
    # when another approver approves
    task_approve(actor=demo.approver2, task=decision, revision=decision.revision)
    # then the application is approved and decided today
    started.refresh_from_db()
    decision.refresh_from_db()
    assert decision.status == "approved" and decision.approved_by == demo.approver2
    # (and, being a licence, it is issued at once: Art. 44)
    assert started.status == "licence_issued"
    assert started.decided_on is not None
    assert events("task.approved", decision).count() == 1
    # One act, one event: the approval carries the status change and the engine's step.
    approval = events("application.approve", started).get()
    assert approval.changes["status"] == ["under_review", "approved"]
    assert "stage" in approval.changes
    assert events("workflow.complete", started).count() == 0


def test_reject_needs_reasons(demo, started):
    from django.core.exceptions import ValidationError

    fire = task_of(started, "fire")
    with pytest.raises(ValidationError):
        task_reject(actor=demo.reviewers["fire"], task=fire, revision=fire.revision, reasons=" ")
    fire.refresh_from_db()
    assert fire.status == "open"
    assert not events("task.rejected").exists()


def test_return_to_an_earlier_stage_recreates_its_tasks_in_a_new_round(demo, started):
    # given the application reached the decision stage
    approve_all_reviews(demo, started)
    decision = task_of(started, "decision")
    # when the approver returns it to the joint review
    task_return_to_stage(
        actor=demo.approver,
        task=decision,
        revision=decision.revision,
        stage_key="joint_review",
        reason="Fire report missing a floor",
    )
    # then three fresh review tasks exist in round 2
    started.refresh_from_db()
    assert started.current_stage_key == "joint_review"
    assert started.workflow_round == 2
    fresh = ReviewTask.objects.filter(application=started, round=2, status="open")
    assert {t.branch_key for t in fresh} == {"planning", "housing", "fire"}
    decision.refresh_from_db()
    assert decision.status == "returned" and decision.return_to == "joint_review"
    returned = events("task.returned_to_stage", decision).get()
    assert returned.changes["workflow_step"] == [None, "returnto"]
    assert sorted(returned.changes["tasks"][1]) == sorted(t.pk for t in fresh)
    assert not events("workflow.returnto", started).exists()


def test_return_only_to_an_earlier_review_stage(demo, started):
    from django.core.exceptions import ValidationError

    fire = task_of(started, "fire")
    for key in ("intake", "joint_review", "decision"):
        with pytest.raises(ValidationError):
            task_return_to_stage(
                actor=demo.reviewers["fire"],
                task=fire,
                revision=fire.revision,
                stage_key=key,
                reason="x",
            )
    assert Application.objects.get(pk=started.pk).current_stage_key == "joint_review"


def test_intake_acceptance_at_the_window_fans_out_the_joint_review(demo):
    from approvals.services.intake import intake_accept
    from tests.factories import ApplicationFactory

    # given a submitted application of the planning permit
    application = ApplicationFactory(service_version=demo.version, submitted=True)
    # when the window's clerk accepts it
    intake_accept(actor=demo.clerk, application=application, revision=application.revision)
    # then the three departments each have one open task, and review has started
    application.refresh_from_db()
    assert application.status == "under_review"
    assert application.accepted_on is not None
    open_tasks = ReviewTask.objects.filter(application=application, status="open")
    assert sorted(open_tasks.values_list("department__code", flat=True)) == [
        "fz-fire",
        "fz-housing",
        "fz-natres",
    ]
    # one act, one event: the acceptance carries the start of the review
    assert not events("workflow.started", application).exists()
    accepted = events("intake.accepted", application).get()
    assert accepted.changes["status"] == ["submitted", "under_review"]
    assert sorted(accepted.changes["tasks"][1]) == sorted(t.pk for t in open_tasks)


def test_a_denial_notice_ends_its_reasons_with_one_full_stop(demo, started):
    # given the fire reviewer ends their reasons with a full stop, as one writes in Chinese
    fire = task_of(started, "fire")

    task_reject(
        actor=demo.reviewers["fire"],
        task=fire,
        revision=fire.revision,
        reasons="疏散通道宽度不足。",
    )
    # and the approvers confirm the proposed denial (four eyes)
    proposal = ReviewTask.objects.get(
        application=started, confirms_denial__isnull=False, status="open"
    )
    task_approve(actor=demo.approver, task=proposal, revision=proposal.revision)
    task_approve(actor=demo.approver2, task=proposal, revision=proposal.revision)

    notice = started.created_by.notifications.get(kind="application.denied")
    chinese = notice.text_in("zh-hans")["body"]
    assert "理由：疏散通道宽度不足。如不服" in chinese
    assert "。。" not in chinese
    assert "。." not in notice.text_in("en")["body"]
