"""An application driven from draft to licence through the API alone: the applicant's token,
the window's clerk and the reviewers' sessions with two-factor, the public lookup, the
agency's client, the sealed certificate and its public verification."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import OfficialRole
from approvals.models import Application, Document, Licence, OutboxEvent
from audit.models import AuditEvent
from tests.approvals.api.conftest import bearer_client, session_client
from tests.approvals.intake.conftest import SCHEMA
from tests.factories import OfficialFactory, ServiceItemFactory, ServiceVersionFactory

WORKFLOW = {
    "stages": [
        {
            "key": "review",
            "name": {"en": "Review", "zh": "审查"},
            "branches": [
                {"key": "market", "department": "city-market", "role": "reviewer"},
                {"key": "housing", "department": "city-housing", "role": "reviewer"},
            ],
            "limit_working_days": 10,
        },
        {
            "key": "decision",
            "name": {"en": "Decision", "zh": "决定"},
            "branches": [{"key": "decide", "department": "city-market", "role": "approver"}],
            "limit_working_days": 5,
        },
    ]
}
MATERIALS = [{"key": "floor-plan", "name_en": "Floor plan", "name_zh": "平面图", "required": True}]


def _png():
    from tests.support import png_upload

    upload = png_upload()
    return SimpleUploadedFile("平面图.png", upload.read(), content_type="image/png")


def _work_task(client, *, branch_or_stage: str) -> dict:
    queue = client.get("/api/v1/tasks/").json()["results"]
    [task] = [t for t in queue if branch_or_stage in (t["branch_key"], t["stage_key"])]
    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim/", {"revision": task["revision"]})
    assert claimed.status_code == 200, claimed.json()
    approved = client.post(
        f"/api/v1/tasks/{task['id']}/approve/",
        {"revision": claimed.json()["revision"], "comment": "符合要求"},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    return approved.json()


def test_an_application_goes_from_draft_to_licence_through_the_api_alone(
    window,
    bureau,
    other_department,
    citizen,
    clerk,
    scoped_client,
    django_capture_on_commit_callbacks,
):
    ServiceVersionFactory(
        item=ServiceItemFactory(code="SPJY", department=bureau, topic="food_health"),
        form_schema=SCHEMA,
        materials=MATERIALS,
        workflow_definition=WORKFLOW,
        published=True,
    )
    market_reviewer = OfficialFactory(department=bureau, role=OfficialRole.REVIEWER).user
    housing_reviewer = OfficialFactory(department=other_department, role=OfficialRole.REVIEWER).user
    approver = OfficialFactory(department=bureau, role=OfficialRole.APPROVER).user

    # Given the applicant's token, made from their signed-in session
    session = session_client(citizen)
    made = session.post("/api/v1/tokens/", {"name": "我的手机"}, format="json")
    assert made.status_code == 201
    applicant = bearer_client(made.json()["token"])

    # When they read the guide, start a draft, answer its step and attach the material
    guide = applicant.get("/api/v1/services/SPJY/").json()
    assert [m["key"] for m in guide["materials"]] == ["floor-plan"]
    draft = applicant.post("/api/v1/applications/", {"service": "SPJY"}, format="json").json()
    assert draft["status"] == "draft"
    assert draft["steps"] == ["basic", "materials"]
    saved = applicant.put(
        f"/api/v1/applications/{draft['id']}/steps/basic/",
        {"values": {"shop_name": "老福州小吃"}, "revision": draft["revision"]},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    uploaded = applicant.post(
        f"/api/v1/applications/{draft['id']}/attachments/",
        {"material_key": "floor-plan", "file": _png()},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert uploaded.json()["display_name"] == "平面图.png"

    # And submit it with an idempotency key
    submitted = applicant.post(
        f"/api/v1/applications/{draft['id']}/submit/", HTTP_IDEMPOTENCY_KEY="e2e-submit-1"
    )
    assert submitted.status_code == 201, submitted.json()
    receipt = submitted.json()
    assert receipt["status"] == "submitted"
    assert receipt["tracking_number"].startswith("SPJY-20260615-")
    assert len(receipt["query_code"]) == 6

    # Then anyone with the receipt follows the progress
    progress = APIClient().post(
        "/api/v1/track/",
        {"tracking_number": receipt["tracking_number"], "query_code": receipt["query_code"]},
        format="json",
    )
    assert progress.json()["status"] == "submitted"

    # When the window's clerk accepts it
    window_desk = session_client(clerk, verified=True)
    [waiting] = window_desk.get("/api/v1/intake/applications/").json()["results"]
    assert waiting["tracking_number"] == receipt["tracking_number"]
    accepted = window_desk.post(
        f"/api/v1/intake/applications/{waiting['id']}/accept/",
        {"revision": waiting["revision"]},
        format="json",
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "under_review"

    # And both departments' reviewers approve their parallel tasks, then the approver decides
    _work_task(session_client(market_reviewer, verified=True), branch_or_stage="market")
    _work_task(session_client(housing_reviewer, verified=True), branch_or_stage="housing")
    # (the decision's documents are rendered and sealed after its commit, on the pdf queue)
    with django_capture_on_commit_callbacks(execute=True):
        decided = _work_task(session_client(approver, verified=True), branch_or_stage="decision")
    assert decided["status"] == "approved"

    # Then the applicant, the public lookup and the bureau's back office see the licence issued
    mine = applicant.get(f"/api/v1/applications/{draft['id']}/").json()
    assert mine["status"] == "licence_issued"
    assert mine["decided_on"] == "2026-06-15"
    progress = APIClient().post(
        "/api/v1/track/",
        {"tracking_number": receipt["tracking_number"], "query_code": receipt["query_code"]},
        format="json",
    )
    assert progress.json()["status"] == "licence_issued"
    agency = bearer_client(scoped_client.raw)
    seen = agency.get(f"/api/v1/agency/applications/{draft['id']}/").json()
    assert seen["status"] == "licence_issued"

    # And the applicant lists the documents and downloads the sealed certificate
    documents = applicant.get(f"/api/v1/applications/{draft['id']}/documents/").json()
    kinds = [document["kind"] for document in documents]
    assert {"receipt", "acceptance_notice", "approval_decision", "licence_certificate"} <= set(
        kinds
    )
    [certificate] = [d for d in documents if d["kind"] == "licence_certificate"]
    assert certificate["rendered"]
    pdf = applicant.get(f"/api/v1/documents/{certificate['id']}/content/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # and the agency finds the licence in the register, and anyone verifies the certificate
    licence = Licence.objects.get(application_id=draft["id"])
    found = agency.get("/api/v1/licences/", {"number": licence.number}).json()["results"]
    assert [(row["number"], row["status"]) for row in found] == [(licence.number, "valid")]
    verified = APIClient().get(f"/api/v1/verify/{certificate['verification_code']}/").json()
    assert verified["status"] == "valid"
    assert verified["sha256"] == Document.objects.get(pk=certificate["id"]).sha256

    # And every step is on the audit trail, the token named on the applicant's steps
    application = Application.objects.get(pk=draft["id"])
    actions = set(
        AuditEvent.objects.filter(
            object_type="approvals.application", object_id=str(application.pk)
        ).values_list("action", flat=True)
    )
    assert {"application.started", "application.submitted", "intake.accepted"} <= actions
    submitted_event = AuditEvent.objects.get(
        action="application.submitted", object_id=str(application.pk)
    )
    assert submitted_event.changes["via"][1].startswith("token:")
    # And each status change was written to the webhook outbox
    assert list(
        OutboxEvent.objects.filter(application=application)
        .order_by("pk")
        .values_list("status", flat=True)
    ) == ["submitted", "accepted", "under_review", "approved", "licence_issued"]
    assert {"document.downloaded", "document.verified"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
