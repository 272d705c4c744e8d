"""An issued document never changes: a correction is a new edition that supersedes it. The
render task is idempotent and a sweep re-queues documents whose task was lost."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import OfficialRole
from approvals.models import Document, DocumentKind, DocumentStatus
from approvals.services.documents import document_correct, documents_render_sweep
from approvals.tasks import document_render_task
from tests.approvals.documents.conftest import CHINA, issue, pdf_bytes, rendered
from tests.factories import OfficialFactory
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(bureau):
    return OfficialFactory(department=bureau, role=OfficialRole.APPROVER).user


def test_a_correction_issues_a_new_edition_that_supersedes_the_old(
    decided, approver, django_capture_on_commit_callbacks
):
    # given an issued, sealed refusal notice with a typo in the agency's name
    old = rendered(
        issue(
            decided,
            DocumentKind.REFUSAL_NOTICE,
            extra={"reasons": "r", "competent_agency": "鼓楼区市场监局"},
        )
    )
    old_file, old_hash = pdf_bytes(old), old.sha256
    # when the department corrects it
    with django_capture_on_commit_callbacks(execute=True):
        new = document_correct(
            actor=approver,
            document=old,
            reason="机关名称有误",
            changes={"competent_agency": "鼓楼区市场监督管理局"},
        )
    # then a second edition, rendered and sealed, supersedes the first, which is unchanged
    old.refresh_from_db()
    new.refresh_from_db()
    assert (new.edition, new.supersedes, new.kind) == (2, old, old.kind)
    assert new.number != old.number and new.sha256 and new.sha256 != old_hash
    assert new.context["competent_agency"] == "鼓楼区市场监督管理局"
    assert old.status == DocumentStatus.SUPERSEDED and old.status_reason == "机关名称有误"
    assert pdf_bytes(old) == old_file and old.sha256 == old_hash
    [event] = events("document.corrected", new)
    assert event.actor == approver and event.changes["supersedes"] == [None, old.number]


def test_only_the_issuing_departments_approver_or_head_may_correct(decided, reviewer):
    document = issue(decided, DocumentKind.ACCEPTANCE_NOTICE)

    with pytest.raises(PermissionDenied):
        document_correct(actor=reviewer, document=document, reason="x")
    assert Document.objects.count() == 1


def test_a_superseded_document_cannot_be_corrected_again(decided, approver):
    document = issue(decided, DocumentKind.ACCEPTANCE_NOTICE)
    document_correct(actor=approver, document=document, reason="once")

    with pytest.raises(ValidationError):
        document_correct(actor=approver, document=document, reason="twice")


def test_the_render_task_is_idempotent(decided):
    document = issue(decided, DocumentKind.ACCEPTANCE_NOTICE)

    first = document_render_task.delay(document.pk).get()
    second = document_render_task.delay(document.pk).get()

    document.refresh_from_db()
    assert first == second == document.sha256
    assert len(events("document.rendered", document)) == 1


def test_the_render_task_runs_on_the_pdf_queue_with_retries_and_a_time_limit(settings):
    route = settings.CELERY_TASK_ROUTES[document_render_task.name]
    assert route == {"queue": "pdf"}
    assert document_render_task.max_retries and document_render_task.retry_backoff
    assert document_render_task.time_limit and document_render_task.soft_time_limit


def test_the_sweep_requeues_documents_left_unrendered(decided):
    # given a document whose render task was lost (issued outside any on-commit run)
    document = issue(decided, DocumentKind.ACCEPTANCE_NOTICE)
    assert document.sha256 == ""
    # when the sweep runs soon after, nothing is queued yet; later, it is rendered
    assert documents_render_sweep() == []
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 5, tzinfo=CHINA), tick=False):
        requeued = documents_render_sweep()

    document.refresh_from_db()
    assert requeued == [document.pk] and document.sha256
