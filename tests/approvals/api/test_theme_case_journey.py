# ruff: noqa: F811  (the window tests' fixtures are imported, then requested by name)
"""The restaurant through the API alone (issue 15, "the same journey through the API"): the
guide picks the members from the answers, the applicant types each shared field once and uploads
each material once, submits once (idempotently), gets one supplement notice covering two
departments and answers it once; the window accepts the whole, the food licence waits for the
registration and cites its licence, the departments decide, and the applicant downloads every
certificate as one set and rates once.

Every act goes through /api/v1/: the applicant with a personal token; the window's clerk through
``/intake/cases/…`` and each department's reviewer and approver through ``/tasks/…`` (claim,
approve), in the demo's workflows (``demo/catalogue``: the registration decided by the market
bureau's approver; the food licence and the fire check reviewed, then decided by their bureau's
approver), each official with the session after the second factor. Nothing is a service call but
seeding (the catalogue, the officials, the workflows); the database is read only to check."""

import io
import json
import zipfile

import pytest
from rest_framework.test import APIClient

from accounts.models import OfficialRole
from approvals.models import (
    Application,
    Attachment,
    Licence,
    ServiceRating,
    ServiceVersion,
    ThemeCase,
)
from demo import catalogue as demo_catalogue
from tests.approvals.api.conftest import session_client, token_client
from tests.approvals.theme_window.conftest import (  # noqa: F401  (fixtures)
    bureaus,
    reviewers,
    services,
)
from tests.approvals.uploads.files import clean_pdf, upload
from tests.factories import OfficialFactory, ThemeVersionFactory
from tests.support import events, in_days

pytestmark = pytest.mark.django_db

# The demo's services whose workflows the members follow, and the demo city's departments as
# this test's.
DEMO_SERVICES = {
    "registration": "ENTERPRISE_REGISTRATION",
    "food": "FOOD_BUSINESS_LICENCE",
    "fire": "FIRE_SAFETY_INSPECTION",
}
DEMO_DEPARTMENTS = {"fz-window": "city-window", "fz-market": "city-market", "fz-fire": "city-fire"}


def _here(workflow: dict) -> dict:
    text = json.dumps(workflow)
    for demo, here in DEMO_DEPARTMENTS.items():
        text = text.replace(f'"{demo}"', f'"{here}"')
    return json.loads(text)


@pytest.fixture
def demo_workflows(services):
    """Each member's service with its demo workflow (seeding: the versions are the catalogue's)."""
    for key, name in DEMO_SERVICES.items():
        workflow = getattr(demo_catalogue, name)["version"]["workflow_definition"]
        ServiceVersion.objects.filter(pk=services[key].pk).update(
            workflow_definition=_here(workflow)
        )
    return services


@pytest.fixture
def approvers(bureaus):
    return {
        code: OfficialFactory(department=department, role=OfficialRole.APPROVER).user
        for code, department in bureaus.items()
    }


@pytest.fixture
def restaurant(window, demo_workflows):
    services = demo_workflows
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


def _work(official, application_id: int, capture) -> dict:
    """The official claims the open task of the application in their queue and approves it
    (the decision's documents are rendered after its commit, on the pdf queue)."""
    desk = session_client(official, verified=True)
    queue = desk.get("/api/v1/tasks/").json()["results"]
    [task] = [t for t in queue if t["application"]["id"] == application_id]
    claimed = desk.post(f"/api/v1/tasks/{task['id']}/claim/", {"revision": task["revision"]})
    assert claimed.status_code == 200, claimed.content
    with capture(execute=True):
        approved = desk.post(
            f"/api/v1/tasks/{task['id']}/approve/",
            {"revision": claimed.json()["revision"], "comment": "符合要求"},
            format="json",
        )
    assert approved.status_code == 200, approved.content
    return approved.json()


def _members(body) -> dict:
    return {m["member_key"]: m for m in body["members"]}


def test_the_restaurant_through_the_api_alone(
    restaurant, citizen, clerk, reviewers, approvers, django_capture_on_commit_callbacks
):
    api = token_client(citizen)
    window = session_client(clerk, verified=True)

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

    # The window finds the case as one row, reads it, and sends ONE supplement notice covering
    # both departments.
    [waiting] = window.get("/api/v1/intake/cases/").json()["results"]
    assert (waiting["id"], waiting["tracking_number"]) == (pk, lookup["tracking_number"])
    at_window = window.get(f"/api/v1/intake/cases/{pk}/").json()
    assert at_window["can_decide"] is True
    assert {m["member_key"]: m["department"] for m in at_window["members"]} == {
        "registration": "city-market",
        "food": "city-market",
        "fire": "city-fire",
    }
    assert "shared:lease" in {m["key"] for m in at_window["supplement_materials"]}
    with django_capture_on_commit_callbacks(execute=True):
        notice = window.post(
            f"/api/v1/intake/cases/{pk}/request-supplement/",
            {
                "revision": at_window["revision"],
                "items": [{"material": "shared:lease", "problem": "The lease is not signed."}],
                "reply_by": in_days(15).isoformat(),
            },
            format="json",
        )
    assert notice.status_code == 200, notice.content
    assert {m["status"] for m in notice.json()["members"]} == {"supplement_requested"}
    assert window.get("/api/v1/intake/cases/").json()["count"] == 0  # with the applicant now
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
    at_window = window.get(f"/api/v1/intake/cases/{pk}/").json()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = window.post(
            f"/api/v1/intake/cases/{pk}/accept/", {"revision": at_window["revision"]}, format="json"
        )
    assert accepted.status_code == 200, accepted.content
    second_click = window.post(
        f"/api/v1/intake/cases/{pk}/accept/", {"revision": at_window["revision"]}, format="json"
    )
    assert second_click.status_code == 409  # changes nothing
    members = _members(api.get(f"/api/v1/theme-cases/{pk}/").json())
    assert members["food"]["status"] == "waiting"
    assert members["food"]["waits_for"] == ["registration"]
    ids = {key: m["application"] for key, m in members.items()}

    # The departments decide, each through its queue; the registration is the market bureau's
    # approver's. The food licence then starts and cites the registration's licence.
    registered = _work(
        approvers["city-market"], ids["registration"], django_capture_on_commit_callbacks
    )
    assert registered["status"] == "approved"
    licence = Licence.objects.get(application_id=ids["registration"])
    cited = Attachment.objects.get(application_id=ids["food"], material_key="business-licence")
    assert cited.cited_licence == licence
    # … as the API shows the member: to its applicant, and to the market bureau's reviewer.
    food = api.get(f"/api/v1/applications/{ids['food']}/").json()
    assert food["status"] == "under_review"
    assert {a["material_key"]: a["cited_licence"] for a in food["attachments"]}[
        "business-licence"
    ] == licence.number
    market = session_client(reviewers["city-market"], verified=True)
    [food_task] = [
        t
        for t in market.get("/api/v1/tasks/").json()["results"]
        if t["application"]["id"] == ids["food"]
    ]
    task = market.get(f"/api/v1/tasks/{food_task['id']}/").json()
    assert {a["material_key"]: a["cited_licence"] for a in task["attachments"]}[
        "business-licence"
    ] == licence.number
    # Delivered together: nothing to download while a member is open.
    assert api.get(f"/api/v1/theme-cases/{pk}/certificates/").status_code == 404
    for key, department in (("food", "city-market"), ("fire", "city-fire")):
        _work(reviewers[department], ids[key], django_capture_on_commit_callbacks)
        decided = _work(approvers[department], ids[key], django_capture_on_commit_callbacks)
        assert decided["status"] == "approved"
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
    theme_case = ThemeCase.objects.get(pk=pk)
    assert events("theme_case.certificates_delivered", theme_case).count() == 1
    # The window's acts are on the case's trail, by the clerk.
    for act in ("supplement_requested", "accepted"):
        assert events(f"theme_case.{act}", theme_case).get().actor == clerk

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
