"""Audit action codes on history pages: every code the sources write has a label, and the task
page shows the labels, readable actors and stage names in English and Chinese."""

import pytest
from django.urls import reverse
from django.utils import translation

from approvals.selectors.audit_labels import ACTION_LABELS, action_label, actor_display
from audit.models import AuditEvent
from tests.approvals.review.conftest import (  # noqa: F401 (fixtures)
    demo,
    make_accepted,
    started,
    task_of,
)
from tests.approvals.support import written_codes


def test_the_scan_finds_the_codes_the_services_write():
    codes = written_codes()
    assert {"task.approved", "intake.accepted", "extension.refused", "auth.locked_out"} <= codes
    assert {"admin.delete", "application.submitted", "application.withdraw"} <= codes
    assert len(codes) > 60


def test_every_written_action_code_has_a_label():
    missing = sorted(code for code in written_codes() if code not in ACTION_LABELS)
    assert missing == []


def test_an_unknown_code_shows_as_itself_and_known_ones_are_translated():
    assert action_label("something.new") == "something.new"
    with translation.override("en"):
        assert action_label("task.approved") == "Task approved"
    with translation.override("zh-hans"):
        assert action_label("task.approved") == "审查任务已同意"


@pytest.mark.django_db
def test_actor_is_named_by_display_name_or_system(demo):  # noqa: F811
    reviewer = demo.reviewers["planning"]
    with translation.override("en"):
        assert actor_display(AuditEvent(actor=reviewer, actor_label="x")) == reviewer.display_name
        assert actor_display(AuditEvent(actor=None, actor_label="")) == "System"
        # what audit_record stores when the portal itself acts (the deadline sweep)
        assert actor_display(AuditEvent(actor=None, actor_label="system")) == "System"
        assert actor_display(AuditEvent(actor=None, actor_label="7:gone@example.cn")) == (
            "Former user"
        )
    with translation.override("zh-hans"):
        assert actor_display(AuditEvent(actor=None, actor_label="")) == "系统"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "created", "started_label"),
    [("en", "Task created", "Review started"), ("zh-hans", "审查任务已创建", "审查已开始")],
)
def test_task_page_history_shows_labels_not_codes(
    demo,  # noqa: F811
    started,  # noqa: F811
    verified_client_factory,
    language,
    created,
    started_label,
):
    task = task_of(started, "planning")
    client = verified_client_factory(demo.reviewers["planning"])

    response = client.get(
        reverse("approvals:work_task", args=[task.pk]), HTTP_ACCEPT_LANGUAGE=language
    )

    page = response.content.decode()
    history = page[page.index('id="history-heading"') :]
    assert created in history and started_label in history
    assert "task.created" not in history and "workflow.started" not in history
    # the clerk who started the review is named, never by e-mail
    assert demo.clerk.display_name in history and demo.clerk.email not in history
    # the tasks table names the stage in the page's language, not by its key
    table = page[page.index('id="tasks-heading"') : page.index('id="history-heading"')]
    stages = task.application.service_version.workflow_definition["stages"]
    name = next(stage["name"] for stage in stages if stage["key"] == task.stage_key)
    assert name["zh" if language == "zh-hans" else "en"] in table
    assert f"<td>{task.stage_key}</td>" not in table


def test_a_reason_the_portal_once_wrote_in_english_reads_in_the_pages_language():
    from django.utils import translation

    from approvals.selectors.audit_labels import reason_display
    from audit.models import AuditEvent

    old = AuditEvent(action="task.claimed", reason="bulk claim")
    typed = AuditEvent(action="task.returned_to_applicant", reason="材料不清晰")

    with translation.override("zh-hans"):
        assert reason_display(old) == "与其他任务一并认领"
        assert reason_display(typed) == "材料不清晰"
