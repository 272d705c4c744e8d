"""A denial needs the same four eyes as an approval (issue 13, item 1): in the parallel planning
permit, a reviewer's rejection is a proposal that goes to the planning approver and a second
approver; only their confirmation denies the application, cancels the other branches with the
reason, and issues the denial in the deciding department's name, naming who decided."""

import pytest

from approvals.models import Application, Document, ReviewTask
from approvals.services.tasks import task_approve, task_reject
from approvals.services.workflow import SelfApprovalError
from tests.support import events

from .conftest import task_of

pytestmark = pytest.mark.django_db

REASONS = "Escape routes too narrow"


def reject(demo, application, branch="fire", reasons=REASONS):
    task = task_of(application, branch)
    task_reject(actor=demo.reviewers[branch], task=task, revision=task.revision, reasons=reasons)
    return task


def confirmation(application):
    return ReviewTask.objects.get(
        application=application, confirms_denial__isnull=False, status="open"
    )


def status(application):
    return Application.objects.get(pk=application.pk).status


def test_a_reviewers_rejection_is_a_proposal_for_the_approver(demo, started):
    # given planning approved
    planning = task_of(started, "planning")
    task_approve(actor=demo.reviewers["planning"], task=planning, revision=planning.revision)
    # when fire rejects
    fire = reject(demo, started)
    # then nothing is decided: housing works on, no denial is issued
    assert status(started) == "under_review"
    assert task_of(started, "housing").status == "open"
    assert not Document.objects.filter(application=started, kind="denial_decision").exists()
    assert not started.created_by.notifications.filter(kind="application.denied").exists()
    # and the planning approver has a task to confirm the proposed denial
    proposal = confirmation(started)
    assert (proposal.stage_key, proposal.department.code, proposal.role) == (
        "decision",
        "fz-natres",
        "approver",
    )
    assert proposal.confirms_denial_id == fire.pk
    assert demo.approver.notifications.filter(kind="task.new").exists()
    # one act, one event: the rejection carries the engine's step, the proposal
    rejected = events("task.rejected", fire).get()
    assert rejected.changes["workflow_step"] == [None, "proposedenial"]
    assert rejected.changes["denial_proposed_to"] == [None, "decision"]
    assert rejected.changes["tasks"] == [None, [proposal.pk]]
    assert not events("workflow.proposedenial", started).exists()
    # the application's stage has not moved
    started.refresh_from_db()
    assert started.current_stage_key == "joint_review"


def test_the_confirmed_denial_is_the_approvers_decision(demo, started):
    # given fire's rejection proposed to the approver
    reject(demo, started)
    proposal = confirmation(started)
    # when one approver confirms it, it still needs a second approver
    task_approve(actor=demo.approver, task=proposal, revision=proposal.revision)
    assert status(started) == "under_review"
    proposal.refresh_from_db()
    assert proposal.drafted_by == demo.approver
    assert demo.approver2.notifications.filter(kind="task.second_approval").exists()
    # and the drafter cannot second it
    with pytest.raises(SelfApprovalError):
        task_approve(actor=demo.approver, task=proposal, revision=proposal.revision)
    assert status(started) == "under_review"
    # when the second approver confirms it
    task_approve(actor=demo.approver2, task=proposal, revision=proposal.revision)
    # then the application is denied, with the reviewer's reasons
    started.refresh_from_db()
    assert started.status == "denied" and started.decided_on is not None
    denial = events("application.deny", started).get()
    assert denial.reason == REASONS
    # one act, one event: the denial carries the engine's step (no second workflow.reject)
    assert denial.changes["status"] == ["under_review", "denied"]
    assert "decided_by" in denial.changes and "cancelled" in denial.changes
    assert events("workflow.reject", started).count() == 0
    # and the other open branches are cancelled with the reason recorded
    for branch in ("planning", "housing"):
        sibling = ReviewTask.objects.get(application=started, branch_key=branch)
        assert sibling.status == "cancelled"
        assert REASONS in events("task.cancelled", sibling).get().reason
    assert not ReviewTask.objects.filter(application=started, status="open").exists()
    # and the denial is issued by the deciding department, naming who decided
    denial = Document.objects.get(application=started, kind="denial_decision")
    assert denial.department == demo.natres
    assert denial.context["approved_by"] == str(demo.approver2)
    assert denial.context["drafted_by"] == str(demo.approver)
    assert denial.context["reasons"] == REASONS
    notice = started.created_by.notifications.get(kind="application.denied")
    assert REASONS in notice.body


def test_the_approvers_overrule_a_proposed_denial_and_review_goes_on(demo, started):
    # given fire's rejection proposed to the approver
    fire = reject(demo, started)
    proposal = confirmation(started)
    # when two approvers overrule it (four eyes, as for any decision of that stage)
    task_reject(
        actor=demo.approver, task=proposal, revision=proposal.revision, reasons="Widths suffice"
    )
    assert status(started) == "under_review"
    proposal.refresh_from_db()
    task_reject(actor=demo.approver2, task=proposal, revision=proposal.revision, reasons="Agreed")
    # then the rejection is set aside and fire reviews afresh; nothing was denied
    assert status(started) == "under_review"
    fire.refresh_from_db()
    assert fire.status == "cancelled"
    assert events("task.rejection_overruled", fire).count() == 1
    again = task_of(started, "fire")
    assert again.pk != fire.pk and "Widths suffice" in again.comment
    assert task_of(started, "housing").status == "open"
    assert not Document.objects.filter(application=started, kind="denial_decision").exists()
    # when every department approves, the decision stage runs as usual
    for branch, user in demo.reviewers.items():
        task = task_of(started, branch)
        task_approve(actor=user, task=task, revision=task.revision)
    decision = ReviewTask.objects.get(
        application=started, stage_key="decision", confirms_denial__isnull=True
    )
    task_approve(actor=demo.approver, task=decision, revision=decision.revision)
    task_approve(actor=demo.approver2, task=decision, revision=decision.revision)
    assert status(started) == "licence_issued"


def test_a_rejection_at_the_decision_stage_needs_a_second_approver(demo, started):
    # given every department approved and the decision stage is open
    for branch, user in demo.reviewers.items():
        task = task_of(started, branch)
        task_approve(actor=user, task=task, revision=task.revision)
    decision = task_of(started, "decision")
    # when one approver rejects
    task_reject(actor=demo.approver, task=decision, revision=decision.revision, reasons=REASONS)
    # then it is a draft, waiting for a second approver
    assert status(started) == "under_review"
    decision.refresh_from_db()
    assert decision.status == "open" and decision.drafted_outcome == "rejected"
    assert events("task.rejection_drafted", decision).count() == 1
    with pytest.raises(SelfApprovalError):
        task_reject(actor=demo.approver, task=decision, revision=decision.revision, reasons="again")
    # when the second approver rejects too, the application is denied in their name
    task_reject(actor=demo.approver2, task=decision, revision=decision.revision, reasons="Agreed")
    assert status(started) == "denied"
    denial = Document.objects.get(application=started, kind="denial_decision")
    assert denial.context["approved_by"] == str(demo.approver2)
    assert denial.context["drafted_by"] == str(demo.approver)


def test_a_second_approver_who_disagrees_with_a_drafted_approval_drafts_a_rejection(demo, started):
    for branch, user in demo.reviewers.items():
        task = task_of(started, branch)
        task_approve(actor=user, task=task, revision=task.revision)
    decision = task_of(started, "decision")
    task_approve(actor=demo.approver, task=decision, revision=decision.revision)
    decision.refresh_from_db()
    # when the second approver rejects the drafted approval
    task_reject(actor=demo.approver2, task=decision, revision=decision.revision, reasons=REASONS)
    # then nothing is decided by them alone: it is their drafted rejection now
    assert status(started) == "under_review"
    decision.refresh_from_db()
    assert decision.drafted_by == demo.approver2 and decision.drafted_outcome == "rejected"
