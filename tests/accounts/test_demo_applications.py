"""``manage.py seed_demo`` also files the demo applications, through the services: one case per
state a visitor should find (demo/applications.py)."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from approvals.models import (
    Application,
    Document,
    DocumentKind,
    Licence,
    Notification,
    RectificationTask,
    ReviewTask,
    ServiceRating,
    SupervisionCard,
    SupplementRequest,
)
from approvals.services.applications import application_discard_draft
from audit.checkpoints import verify_audit_trail
from audit.models import AuditEvent
from demo.applications import CASES, KEY_PREFIX, overdue_filing_day
from tests.support import task_lights

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-Portal-2026"
TODAY = dt.date(2026, 6, 15)  # tests/conftest.py's fixed clock


def seed(**options) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", password=DEMO_PASSWORD, stdout=out, **options)
    return out.getvalue()


def case(key: str) -> Application:
    return Application.objects.get(idempotency_key=KEY_PREFIX + key)


def tasks(application: Application) -> dict[str, tuple[str, str | None]]:
    """Branch → (status, assignee's email) of the application's tasks."""
    return {
        task.branch_key: (task.status, task.assignee.email if task.assignee else None)
        for task in ReviewTask.objects.filter(application=application).select_related("assignee")
        if task.stage_key != "intake"
    }


def events_of(application: Application) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="approvals.application", object_id=str(application.pk)
        )
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_every_case_is_in_its_state_with_a_real_audit_trail():
    # when the demo is seeded
    output = seed()

    # then there is one application per case, in the state the case names
    states = {
        key: case(key).status
        for key in (
            "draft",
            "submitted",
            "supplement",
            "under_review",
            "parallel",
            "approved_rated",
            "approved",
            "denied_rated",
            "overdue",
        )
    }
    assert states == {
        "draft": "draft",
        "submitted": "submitted",
        "supplement": "supplement_requested",
        "under_review": "under_review",
        "parallel": "under_review",
        "approved_rated": "licence_issued",
        "approved": "licence_issued",
        "denied_rated": "denied",
        "overdue": "under_review",
    }
    assert Application.objects.filter(theme_case__isnull=True).count() == len(CASES)
    # and the table lists every tracking number with its state
    for key in states:
        application = case(key)
        if application.tracking_number:
            row = next(line for line in output.splitlines() if application.tracking_number in line)
            with translation.override("en"):
                assert str(application.get_status_display()) in row
    assert "Demo applications: 9 created." in output

    # the draft stopped after its first step (the next one is step 2), with its answers kept
    draft = case("draft")
    assert draft.current_step == 1 and draft.tracking_number is None
    assert draft.data["company_name"] == "福州娜美文化创意有限公司"
    assert draft.data["legal_representative_name"] == "李娜"  # prefilled from her profile
    assert "shareholders" not in draft.data

    # the supplement notice lists its items all at once and waits for the applicant
    request = SupplementRequest.objects.get(application=case("supplement"))
    assert [item["material"] for item in request.items] == ["floor_plan", "staff_certificates"]
    assert request.reply_by > TODAY
    assert Document.objects.filter(
        application=case("supplement"), kind=DocumentKind.SUPPLEMENT_NOTICE
    ).exists()

    # the review in the market bureau is claimed by its demo reviewer
    assert tasks(case("under_review")) == {"review": ("open", "market.reviewer@demo.gov.cn")}
    # the planning permit is reviewed in parallel: planning and fire done, housing still open
    assert tasks(case("parallel")) == {
        "planning": ("approved", "natres.reviewer@demo.gov.cn"),
        "fire": ("approved", "fire.reviewer@demo.gov.cn"),
        "housing": ("open", None),
    }

    # each approval has its decision, its licence in the register and the licence certificate
    for key in ("approved", "approved_rated"):
        application = case(key)
        licence = Licence.objects.get(application=application)
        assert licence.business.name == "福州榕城餐饮管理有限公司"
        assert Document.objects.filter(
            application=application, kind=DocumentKind.LICENCE_CERTIFICATE, licence=licence
        ).exists()
        assert Document.objects.filter(
            application=application, kind=DocumentKind.APPROVAL_DECISION
        ).exists()
        assert "application.issue_licence" in events_of(application)

    # the denial gives its reasons and was rated 2, which opened a rectification for housing
    denied = case("denied_rated")
    assert (
        "历史风貌保护范围"
        in ReviewTask.objects.get(application=denied, branch_key="review").comment
    )
    assert Document.objects.filter(application=denied, kind=DocumentKind.DENIAL_DECISION).exists()
    bad = ServiceRating.objects.get(application=denied)
    assert bad.grade == 2
    rectification = RectificationTask.objects.get(rating=bad)
    assert rectification.department.code == "fz-housing" and rectification.status == "open"
    assert Notification.objects.filter(
        user__email="housing.head@demo.gov.cn", kind="rectification_opened"
    ).exists()
    assert ServiceRating.objects.get(application=case("approved_rated")).grade == 5
    assert not RectificationTask.objects.exclude(pk=rectification.pk).exists()

    # the overdue review was filed weeks ago and the sweep gave it a red card
    overdue = case("overdue")
    assert overdue.received_on == overdue_filing_day(TODAY) == dt.date(2026, 4, 30)
    [review] = ReviewTask.objects.filter(application=overdue, branch_key="review")
    assert review.due_on < TODAY and task_lights(TODAY)[review.pk] == "red"
    [card] = SupervisionCard.objects.filter(colour="red")
    assert card.task == review and card.department.code == "fz-ecology"
    assert not SupervisionCard.objects.filter(colour="red").exclude(pk=card.pk).exists()

    # and every state was reached through the services: the audit trail tells it and verifies
    assert events_of(case("approved"))[:3] == [
        "application.started",
        "application.step_saved",
        "application.step_saved",
    ]
    assert "application.submitted" in events_of(case("submitted"))
    assert "intake.supplement_requested" in events_of(case("supplement"))
    assert AuditEvent.objects.filter(action="task.claimed").exists()
    # (the 一件事 demo cases add a denied registration and a rating of each of three services)
    assert AuditEvent.objects.filter(action="task.rejected").count() == 1 + 1
    assert AuditEvent.objects.filter(action="rating.submitted").count() == 2 + 3
    assert verify_audit_trail().problem is None


def test_a_second_run_creates_nothing():
    # given a seeded demo
    seed()
    before = {
        model._meta.label: model.objects.count()
        for model in (Application, Document, Licence, AuditEvent, SupervisionCard, ServiceRating)
    }

    # when it is seeded again
    output = seed()

    # then nothing new exists, not even an audit event, and the table still lists the cases
    after = dict.fromkeys(before, 0)
    for model in (Application, Document, Licence, AuditEvent, SupervisionCard, ServiceRating):
        after[model._meta.label] = model.objects.count()
    assert after == before
    assert "The demo applications are already in place; nothing changed." in output
    assert case("overdue").tracking_number in output
    assert verify_audit_trail().problem is None


def test_a_discarded_demo_draft_is_made_again_alone():
    # given a seeded demo whose applicant discarded the draft
    seed()
    draft = case("draft")
    application_discard_draft(actor=draft.created_by, application=draft)

    # when it is seeded again, then that case alone is made again
    output = seed()

    assert case("draft").pk != draft.pk and case("draft").current_step == 1
    assert Application.objects.filter(theme_case__isnull=True).count() == len(CASES)
    assert "Demo applications: 1 created." in output


def test_no_applications_skips_them():
    output = seed(no_applications=True)

    assert not Application.objects.exists()
    assert "Demo applications" not in output


def test_the_documents_are_rendered_and_sealed_once_the_queued_tasks_run(
    django_capture_on_commit_callbacks,
):
    # when the demo is seeded and the tasks queued after each commit run (as the worker runs them)
    with django_capture_on_commit_callbacks(execute=True):
        seed()

    # then every issued document has its PDF and fingerprint, the certificates included
    documents = Document.objects.all()
    single = documents.filter(application__theme_case__isnull=True)
    assert single.filter(kind=DocumentKind.LICENCE_CERTIFICATE).count() == 2
    assert not documents.filter(sha256="").exists()


def test_late_in_the_calendar_s_last_year_every_case_is_still_made():
    # given a day whose 15-working-day rectification deadline falls after the calendar's end
    late = dt.datetime(2026, 12, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    # when the demo is seeded on it
    with time_machine.travel(late, tick=True):
        output = seed()

    # then every case is made; the rectification's due date waits for the 2027 calendar
    assert Application.objects.filter(theme_case__isnull=True).count() == len(CASES)
    assert "Demo case not made" not in output
    rating = ServiceRating.objects.get(grade=2)
    assert rating.rectification.due_on is None
    assert verify_audit_trail().problem is None
