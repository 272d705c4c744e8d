# ruff: noqa: F811  (the window tests' fixtures are imported, then requested by name)
"""The restaurant through the API alone (issue 15, "the same journey through the API"): the
guide picks the members from the answers, the applicant types each shared field once and uploads
each material once, submits once (idempotently), gets one supplement notice covering two
departments and answers it once; the window accepts the whole, the food licence waits for the
registration and cites its licence, the departments decide, and the applicant downloads every
certificate as one set and rates once. The officials' side runs through their services (their
one-thing pages are not in the API); everything the applicant does goes through /api/v1/."""

import datetime as dt
import io
import zipfile

import pytest
from rest_framework.test import APIClient

from approvals.models import Application, Attachment, Licence, ReviewTask, ServiceRating
from approvals.services.tasks import task_approve
from approvals.services.theme_intake import theme_case_accept
from approvals.services.theme_supplement import theme_case_request_supplement
from tests.approvals.api.conftest import token_client
from tests.approvals.theme_window.conftest import (  # noqa: F401  (fixtures)
    bureaus,
    reviewers,
    services,
)
from tests.approvals.uploads.files import clean_pdf, upload
from tests.factories import ThemeVersionFactory
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def restaurant(window, services):
    maps = {"lease": "lease", "floor_plan": "floor-plan"}
    return ThemeVersionFactory(
        item__code="RESTAURANT",
        name_en="Open a restaurant",
        name_zh="我要开餐馆",
        lead_department=window,
        questions=[
            {"key": "seats", "kind": "number", "text_zh": "座位数", "text_en": "Seats"},
        ],
        shared_fields=[
            {
                "key": "shop_name",
                "schema": {"type": "string", "title": "Shop name"},
                "required": True,
            }
        ],
        shared_materials=[
            {"key": "lease", "name_zh": "租赁合同", "name_en": "Lease"},
            {"key": "floor_plan", "name_zh": "平面图", "name_en": "Floor plan"},
        ],
        members=[
            {
                "key": "registration",
                "service_item": services["registration"].item,
                "field_map": {"shop_name": "shop_name"},
                "material_map": maps,
            },
            {
                "key": "food",
                "service_item": services["food"].item,
                "field_map": {"shop_name": "shop_name"},
                "material_map": maps,
                "depends_on": [{"member": "registration", "cite_as": "business-licence"}],
            },
            {
                "key": "fire",
                "service_item": services["fire"].item,
                "condition": {"question": "seats", "at_least": 50},
                "field_map": {"shop_name": "shop_name"},
                "material_map": maps,
            },
        ],
        published=True,
    )


def _approve(member, reviewer, capture):
    task = ReviewTask.objects.get(application=member, status="open")
    with capture(execute=True):
        task_approve(actor=reviewer, task=task, revision=task.revision)


def _members(body) -> dict:
    return {m["member_key"]: m for m in body["members"]}


def test_the_restaurant_through_the_api_alone(
    restaurant, citizen, clerk, reviewers, django_capture_on_commit_callbacks
):
    api = token_client(citizen)

    # One guide: the answers pick the members; each material once, with who needs it.
    small = api.get("/api/v1/themes/RESTAURANT/?seats=20").json()
    assert [m["key"] for m in small["members"]] == ["registration", "food"]
    guide = api.get("/api/v1/themes/RESTAURANT/?seats=80").json()
    assert [m["key"] for m in guide["members"]] == ["registration", "fire", "food"]
    assert [(m["key"], m["members"]) for m in guide["shared_materials"]] == [
        ("lease", ["registration", "fire", "food"]),
        ("floor_plan", ["registration", "fire", "food"]),
    ]
    assert guide["burden"]["theme"]["uploads"] == 2
    assert guide["burden"]["one_by_one"]["uploads"] == 7

    # One form: the answers, each shared field once.
    started = api.post("/api/v1/theme-cases/", {"theme": "RESTAURANT"}, format="json")
    assert started.status_code == 201, started.content
    case = started.json()
    pk = case["id"]
    answered = api.put(
        f"/api/v1/theme-cases/{pk}/answers/",
        {"answers": {"seats": 80}, "delivery": "together", "revision": case["revision"]},
        format="json",
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["applying"] == ["registration", "fire", "food"]
    stale = api.put(
        f"/api/v1/theme-cases/{pk}/shared/",
        {"values": {"shop_name": "老福州小吃"}, "revision": case["revision"]},
        format="json",
    )
    assert stale.status_code == 409
    shared = api.put(
        f"/api/v1/theme-cases/{pk}/shared/",
        {"values": {"shop_name": "老福州小吃"}, "revision": answered.json()["revision"]},
        format="json",
    )
    assert shared.status_code == 200, shared.content
    assert shared.json()["steps"] == ["answers", "shared", "materials"]

    # Submitting before the materials: 422 with what is missing.
    early = api.post(f"/api/v1/theme-cases/{pk}/submit/", HTTP_IDEMPOTENCY_KEY="early")
    assert early.status_code == 422
    assert early["Content-Type"] == "application/problem+json"
    assert len(early.json()["errors"]["materials"]) == 2

    # One set of materials: each uploaded once.
    for key in ("lease", "floor_plan"):
        response = api.post(
            f"/api/v1/theme-cases/{pk}/materials/",
            {"material_key": key, "file": upload(clean_pdf(), name=f"{key}.pdf")},
            format="multipart",
        )
        assert response.status_code == 201, response.content
    detail = api.get(f"/api/v1/theme-cases/{pk}/").json()
    assert [(m["material_key"], bool(m["attachment"])) for m in detail["materials"]] == [
        ("lease", True),
        ("floor_plan", True),
    ]

    # One submission, idempotent: one tracking number and query code for the whole.
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/theme-cases/{pk}/submit/", HTTP_IDEMPOTENCY_KEY="k-1")
    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["tracking_number"].startswith("RESTAURANT-")
    assert len(submitted.json()["query_code"]) == 6
    replay = api.post(f"/api/v1/theme-cases/{pk}/submit/", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["query_code"] is None
    # One tracking number and query code: anyone holding the receipt follows every member.
    lookup = {
        "tracking_number": submitted.json()["tracking_number"],
        "query_code": submitted.json()["query_code"],
    }
    tracked = APIClient().post("/api/v1/theme-cases/track/", lookup, format="json")
    assert tracked.status_code == 200, tracked.content
    assert len(tracked.json()["members"]) == 3
    assert "老福州小吃" not in tracked.content.decode()  # no personal data
    wrong = {**lookup, "query_code": "000000" if lookup["query_code"] != "000000" else "111111"}
    assert APIClient().post("/api/v1/theme-cases/track/", wrong, format="json").status_code == 404
    members = _members(api.get(f"/api/v1/theme-cases/{pk}/").json())
    assert {key: m["status"] for key, m in members.items()} == dict.fromkeys(
        ("registration", "food", "fire"), "submitted"
    )
    assert {m["department"] for m in members.values()} == {"city-market", "city-fire"}
    assert Application.objects.filter(theme_case_id=pk).count() == 3

    # One supplement notice covering both departments, answered once.
    from approvals.models import ThemeCase

    theme_case = ThemeCase.objects.get(pk=pk)
    theme_case_request_supplement(
        actor=clerk,
        case=theme_case,
        revision=theme_case.revision,
        items=[{"material": "shared:lease", "problem": "The lease is not signed."}],
        reply_by=dt.date(2026, 6, 30),
    )
    members = _members(api.get(f"/api/v1/theme-cases/{pk}/").json())
    assert all(m["open_supplement"] for m in members.values())
    assert {m["department"] for m in members.values() if m["open_supplement"]} == {
        "city-market",
        "city-fire",
    }
    unasked = api.post(
        f"/api/v1/theme-cases/{pk}/supplement/shared:floor_plan/",
        {"file": upload(clean_pdf(), name="plan.pdf")},
        format="multipart",
    )
    assert unasked.status_code == 404
    again = api.post(
        f"/api/v1/theme-cases/{pk}/supplement/shared:lease/",
        {"file": upload(clean_pdf(), name="lease-signed.pdf")},
        format="multipart",
    )
    assert again.status_code == 201, again.content
    assert len(again.json()) == 3  # one upload, attached to every member that asked
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(
            f"/api/v1/theme-cases/{pk}/supplement-answer/",
            {"comment": "已签字"},
            format="json",
        )
    assert sent.status_code == 200, sent.content
    assert {m["status"] for m in sent.json()["members"]} == {"submitted"}

    # The window accepts the whole; the food licence waits for the registration.
    theme_case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        theme_case_accept(actor=clerk, case=theme_case, revision=theme_case.revision)
    members = _members(api.get(f"/api/v1/theme-cases/{pk}/").json())
    assert members["food"]["status"] == "waiting"
    assert members["food"]["waits_for"] == ["registration"]

    # The departments decide; the food licence starts and cites the registration's licence.
    by_key = {m.theme_member_key: m for m in Application.objects.filter(theme_case_id=pk)}
    _approve(by_key["registration"], reviewers["city-market"], django_capture_on_commit_callbacks)
    cited = Attachment.objects.get(application=by_key["food"], material_key="business-licence")
    assert cited.cited_licence == Licence.objects.get(application=by_key["registration"])
    # Delivered together: nothing to download while a member is open.
    assert api.get(f"/api/v1/theme-cases/{pk}/certificates/").status_code == 404
    _approve(by_key["food"], reviewers["city-market"], django_capture_on_commit_callbacks)
    _approve(by_key["fire"], reviewers["city-fire"], django_capture_on_commit_callbacks)
    members = _members(api.get(f"/api/v1/theme-cases/{pk}/").json())
    assert {m["status"] for m in members.values()} <= {"approved", "licence_issued"}

    # One delivery: every certificate and decision as one set.
    documents = api.get(f"/api/v1/theme-cases/{pk}/documents/").json()
    assert documents and all(d["rendered"] for d in documents)
    archive = api.get(f"/api/v1/theme-cases/{pk}/certificates/")
    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert sorted(names) == sorted(f"{d['number']}.pdf" for d in documents)
    assert events("theme_case.certificates_delivered", theme_case).count() == 1

    # One rating, reaching each department.
    rated = api.post(f"/api/v1/theme-cases/{pk}/rating/", {"grade": 5}, format="json")
    assert rated.status_code == 201, rated.content
    assert len(rated.json()["ratings"]) == 3
    assert set(
        ServiceRating.objects.filter(application__theme_case_id=pk).values_list(
            "department__code", flat=True
        )
    ) == {"city-market", "city-fire"}
    assert (
        api.post(f"/api/v1/theme-cases/{pk}/rating/", {"grade": 4}, format="json").status_code
        == 422
    )
