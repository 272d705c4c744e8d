"""Each step of the procedure issues its document, once: receipt, acceptance (also deemed),
refusal, supplement notice, extension notice, approval or denial decision."""

import datetime as dt

import pytest

from accounts.models import Department
from approvals.models import Document, DocumentCounter, DocumentKind
from approvals.services.applications import application_submit
from approvals.services.deadlines import (
    application_deadlines_refresh,
    extension_decide,
    extension_request,
)
from approvals.services.documents import document_issue
from approvals.services.intake import (
    intake_accept,
    intake_accept_with_pledge,
    intake_refuse,
    intake_request_supplement,
)
from approvals.services.sweep import sweep_deadlines
from approvals.services.tasks import task_reject
from tests.approvals.applications.conftest import MATERIALS as SUBMIT_MATERIALS
from tests.approvals.applications.conftest import SCHEMA as SUBMIT_SCHEMA
from tests.approvals.applications.helpers import filled_draft
from tests.approvals.documents.conftest import (
    pdf_bytes,
    pdf_text,
    squeezed,
    task_of,
)
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)
from tests.support import events, in_days

pytestmark = pytest.mark.django_db


def only(application, kind) -> Document:
    [document] = Document.objects.filter(application=application, kind=kind)
    return document


def test_submitting_issues_the_receipt_once(bureau, citizen, django_capture_on_commit_callbacks):
    # given a complete draft
    version = ServiceVersionFactory(
        item=ServiceItemFactory(code="SPJY", department=bureau),
        form_schema=SUBMIT_SCHEMA,
        materials=SUBMIT_MATERIALS,
        published=True,
    )
    draft = filled_draft(actor=citizen, version=version)
    # when it is submitted, and the same request comes again
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=citizen, application=draft, idempotency_key="k")
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=citizen, application=draft, idempotency_key="k")
    # then one receipt is issued, rendered and sealed, listing what was received
    receipt = only(draft, DocumentKind.RECEIPT)
    assert receipt.signed and receipt.sha256
    assert receipt.department == bureau
    draft.refresh_from_db()
    assert receipt.context["tracking_number"] == draft.tracking_number
    assert receipt.context["materials"]
    assert receipt.issued_by == citizen
    [event] = events("document.issued", receipt)
    assert event.changes["kind"] == [None, "receipt"]


def test_accepting_issues_the_acceptance_notice(
    submitted, clerk, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake_accept(actor=clerk, application=submitted, revision=submitted.revision)

    notice = only(submitted, DocumentKind.ACCEPTANCE_NOTICE)
    assert notice.context["accepted_on"] == "2026-06-10"
    assert notice.context["decision_due_on"]  # the statutory limit the notice states
    assert notice.issued_by == clerk and notice.sha256
    assert "予以受理" in squeezed(pdf_text(pdf_bytes(notice)))
    assert len(events("document.issued", notice)) == 1


def test_documents_are_numbered_after_the_agency_s_short_name(submitted):
    # given the issuing bureau's short name for its document numbers (发文字号)
    department = submitted.service_version.item.department
    department.document_prefix = "榕市监"
    department.save(update_fields=["document_prefix"])
    # when it issues two notices of a kind, and one of another kind
    first = document_issue(application=submitted, kind=DocumentKind.RECEIPT)
    second = document_issue(application=submitted, kind=DocumentKind.RECEIPT, source_key="2")
    other = document_issue(application=submitted, kind=DocumentKind.ACCEPTANCE_NOTICE)
    # then each kind counts on its own within the year, after the short name
    assert (first.number, second.number) == ("榕市监收〔2026〕1号", "榕市监收〔2026〕2号")
    assert other.number == "榕市监受〔2026〕1号"


def test_issuing_the_same_step_again_returns_the_first_document(submitted, clerk, reviewer):
    intake_accept(actor=clerk, application=submitted, revision=submitted.revision)
    first = only(submitted, DocumentKind.ACCEPTANCE_NOTICE)

    again = document_issue(application=submitted, kind=DocumentKind.ACCEPTANCE_NOTICE)

    assert again.pk == first.pk
    assert Document.objects.filter(application=submitted).count() == 1
    assert len(events("document.issued")) == 1


def test_accepting_with_a_pledge_prints_the_pledge(submitted, clerk, reviewer):
    intake_accept_with_pledge(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        material_key="lease",
        due_on=dt.date(2026, 6, 24),
    )

    notice = only(submitted, DocumentKind.ACCEPTANCE_NOTICE)
    assert notice.context["pledge"] == {
        "material_zh": "租赁合同",
        "material_en": "Lease contract",
        "due_zh": "2026年6月24日",
        "due_en": "24 June 2026",
    }


def test_refusing_issues_the_refusal_notice_with_reasons_and_the_competent_agency(
    submitted, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake_refuse(
            actor=clerk,
            application=submitted,
            revision=submitted.revision,
            reasons="餐饮服务不属于本机关",
            competent_agency="鼓楼区市场监督管理局",
            not_our_matter=True,
        )

    notice = only(submitted, DocumentKind.REFUSAL_NOTICE)
    text = squeezed(pdf_text(pdf_bytes(notice)))
    assert "餐饮服务不属于本机关" in text and "鼓楼区市场监督管理局" in text
    assert "Pleaseapplyto:鼓楼区市场监督管理局" in text
    assert len(events("document.issued", notice)) == 1


def test_a_supplement_request_issues_a_notice_with_every_item(
    submitted, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = intake_request_supplement(
            actor=clerk,
            application=submitted,
            revision=submitted.revision,
            items=[
                {"material": "floor-plan", "problem": "缺少比例尺"},
                {"material": "lease", "problem": "未签字"},
                {"material": "", "problem": "联系电话有误"},
            ],
            reply_by=in_days(10),
        )

    notice = only(submitted, DocumentKind.SUPPLEMENT_NOTICE)
    assert notice.source_key == str(request.pk)
    text = squeezed(pdf_text(pdf_bytes(notice)))
    for phrase in (
        "平面图：缺少比例尺",
        "租赁合同：未签字",
        "联系电话有误",
        "Floorplan:缺少比例尺",
    ):
        assert phrase in text


def test_deemed_acceptance_issues_the_acceptance_notice_by_the_system(make_submitted):
    # given an application received on 1 June that nobody decided on within 5 working days
    application = make_submitted()
    application.received_on = dt.date(2026, 6, 1)
    application.save(update_fields=["received_on"])
    application_deadlines_refresh(application=application)

    sweep_deadlines(today=dt.date(2026, 6, 10))
    sweep_deadlines(today=dt.date(2026, 6, 10))

    notice = only(application, DocumentKind.ACCEPTANCE_NOTICE)
    assert notice.context["deemed_accepted"] is True and notice.issued_by is None
    [event] = events("document.issued", notice)
    assert event.actor is None


def test_an_approved_extension_issues_the_extension_notice(
    demo, started, django_capture_on_commit_callbacks
):
    reviewer = demo.reviewers["planning"]
    extension = extension_request(
        actor=reviewer, application=started, working_days=5, reason="需要现场核查"
    )
    with django_capture_on_commit_callbacks(execute=True):
        extension_decide(actor=demo.head, extension=extension, approve=True)

    notice = only(started, DocumentKind.EXTENSION_NOTICE)
    started.refresh_from_db()
    assert notice.source_key == str(extension.pk)
    assert notice.context["new_due_on"] == started.decision_due_on.isoformat()
    text = squeezed(pdf_text(pdf_bytes(notice)))
    assert "需要现场核查" in text and "extendedby5workingdays" in text


def test_a_refused_extension_issues_nothing(demo, started):
    extension = extension_request(
        actor=demo.reviewers["planning"], application=started, working_days=5, reason="x"
    )
    extension_decide(actor=demo.head, extension=extension, approve=False)

    assert not Document.objects.filter(kind=DocumentKind.EXTENSION_NOTICE).exists()


def test_a_denial_issues_the_denial_decision_with_reasons_and_remedies(
    demo, started, django_capture_on_commit_callbacks
):
    from approvals.services.tasks import task_approve

    fire = task_of(started, "fire")
    with django_capture_on_commit_callbacks(execute=True):
        task_reject(
            actor=demo.reviewers["fire"], task=fire, revision=fire.revision, reasons="疏散通道过窄"
        )
        # the rejection is a proposal: the planning approver and a second approver confirm it
        for approver in (demo.approver, demo.approver2):
            proposal = task_of(started, "decision", confirms_denial=fire)
            task_approve(actor=approver, task=proposal, revision=proposal.revision)

    decision = only(started, DocumentKind.DENIAL_DECISION)
    assert decision.department == demo.natres
    text = squeezed(pdf_text(pdf_bytes(decision)))
    assert "疏散通道过窄" in text
    # it names who drafted and who approved the denial
    assert squeezed(f"拟办：{demo.approver}") in text
    assert squeezed(f"审批：{demo.approver2}") in text
    assert "六十日内" in text and "六个月内" in text
    assert "within60days" in text and "within6months" in text
    assert not Document.objects.filter(kind=DocumentKind.LICENCE_CERTIFICATE).exists()


def test_a_reviewers_return_to_the_applicant_issues_the_supplement_notice(demo, started):
    from approvals.services.tasks import task_return_to_applicant

    task = task_of(started, "fire")
    request = task_return_to_applicant(
        actor=demo.reviewers["fire"],
        task=task,
        revision=task.revision,
        items=[{"material": "", "problem": "消防图纸缺少二层"}],
    )

    notice = only(started, DocumentKind.SUPPLEMENT_NOTICE)
    assert notice.source_key == str(request.pk)
    assert notice.context["items"] == [
        {"material_zh": "", "material_en": "", "problem": "消防图纸缺少二层"}
    ]
    assert notice.context["during_review"] is True
    assert notice.issued_by == demo.reviewers["fire"]


def test_departments_sharing_a_prefix_get_distinct_document_numbers(decided):
    # given another department printing the same document prefix as the decided one's
    first = decided.service_version.item.department
    Department.objects.filter(pk=first.pk).update(document_prefix="榕市监")
    other = ApplicationFactory(
        service_version__item__department=DepartmentFactory(document_prefix="榕市监"),
        status="accepted",
    )
    # when each issues an acceptance notice in the same year
    notices = [
        document_issue(application=application, kind=DocumentKind.ACCEPTANCE_NOTICE)
        for application in (decided, other)
    ]
    # then both are issued, numbered one after the other in the shared sequence
    assert [n.number for n in notices] == ["榕市监受〔2026〕1号", "榕市监受〔2026〕2号"]
    assert {n.department_id for n in notices} == {
        first.pk,
        other.service_version.item.department_id,
    }


def test_a_sequence_continues_after_the_numbers_already_printed(decided):
    # given a number printed before the sequence had its row (as under an earlier counter key)
    Department.objects.filter(pk=decided.service_version.item.department_id).update(
        document_prefix="榕市监"
    )
    earlier = document_issue(application=decided, kind=DocumentKind.ACCEPTANCE_NOTICE)
    Document.objects.filter(pk=earlier.pk).update(number="榕市监受〔2026〕7号")
    DocumentCounter.objects.all().delete()
    # when the next notice is issued
    notice = document_issue(
        application=decided, kind=DocumentKind.ACCEPTANCE_NOTICE, source_key="again"
    )
    # then it takes the next number, not one printed already
    assert notice.number == "榕市监受〔2026〕8号"
