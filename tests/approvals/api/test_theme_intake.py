# ruff: noqa: F811  (the window tests' fixtures are imported, then requested by name)
"""The window's side of a one-thing case through the API (issue 15): the cases waiting at my
windows, one case with its members, and each decision on the whole — accept, accept with a
pledge, one supplement notice, refuse — through the same services as the page: a wrong window's
clerk finds nothing (404), two clerks at once get one outcome (409 for the second), a member,
material or field the case does not have answers 400 with the field's errors."""

import pytest

from approvals.models import Pledge, SupplementRequest
from audit.models import AuditEvent
from tests.approvals.api.conftest import session_client, token_client
from tests.approvals.theme_window.conftest import (  # noqa: F401  (fixtures)
    bureaus,
    case,
    make_case,
    members_of,
    other_clerk,
    services,
    theme,
)
from tests.support import events, in_days

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/intake/cases/"


def url(case, action=""):
    return f"/api/v1/intake/cases/{case.pk}/" + (f"{action}/" if action else "")


@pytest.fixture
def desk(clerk):
    return session_client(clerk, verified=True)


def _statuses(case) -> dict[str, str]:
    return {key: member.status for key, member in members_of(case).items()}


# --- Reading -------------------------------------------------------------------------------------


def test_the_queue_lists_each_waiting_case_once(case, desk, citizen):
    body = desk.get(QUEUE).json()

    assert body["count"] == 1
    [row] = body["results"]
    assert (row["id"], row["tracking_number"], row["revision"]) == (
        case.pk,
        case.tracking_number,
        case.revision,
    )
    assert row["theme_name"] == "我要开餐馆"
    person = citizen.person
    assert row["applicant"] == f"{person.real_name} ({person.masked_id_number})"
    assert person.id_number not in str(body)
    # Its members are not loose rows of the single applications' queue.
    assert desk.get("/api/v1/intake/applications/").json()["count"] == 0


def test_another_windows_clerk_sees_an_empty_queue(case, other_clerk):
    assert session_client(other_clerk, verified=True).get(QUEUE).json()["count"] == 0


@pytest.mark.parametrize("cases", [1, 6])
def test_the_queue_costs_the_same_whatever_the_number_of_cases(
    make_case, desk, cases, django_assert_max_num_queries
):
    for _ in range(cases):
        make_case()

    # session, user, second factor, positions, the windows' departments; the count; the page
    with django_assert_max_num_queries(12):
        body = desk.get(QUEUE).json()

    assert body["count"] == cases


@pytest.mark.parametrize("members", [0, 4])
def test_the_case_costs_the_same_whatever_the_number_of_members(
    case, desk, members, django_assert_max_num_queries
):
    from tests.factories import ApplicationFactory

    for index in range(members):
        registration = members_of(case)["registration"]
        ApplicationFactory(
            submitted=True,
            theme_case=case,
            theme_member_key=f"extra{index}",
            service_version=registration.service_version,
            person=registration.person,
            created_by=registration.created_by,
        )

    # the request's own; the case, its members with their services, materials, attachments and
    # notices, pledges, the theme's members; the opening's audit event (one, on the case)
    with django_assert_max_num_queries(30):
        response = desk.get(url(case))

    assert len(response.json()["members"]) == 3 + members


def test_the_case_shows_every_member_with_its_answers_and_materials(case, desk, clerk, citizen):
    response = desk.get(url(case))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["can_decide"] is True
    assert body["intake_due_on"] is not None
    members = {m["member_key"]: m for m in body["members"]}
    assert set(members) == {"registration", "food", "fire"}
    assert members["food"]["waits_for"] == ["registration"]
    assert members["fire"]["department"] == "city-fire"
    assert members["fire"]["data"] == {"shop_name": "老福州小吃"}
    assert [m["material_key"] for m in members["food"]["materials"]] == [
        "lease",
        "floor-plan",
        "business-licence",
    ]
    assert {m["key"] for m in body["supplement_materials"]} >= {
        "shared:lease",
        "food:business-licence",
    }
    assert "fire:lease" in {m["key"] for m in body["pledgeable_materials"]}
    assert "fire:shop_name" in {f["key"] for f in body["correctable_fields"]}
    assert citizen.person.id_number not in response.content.decode()
    # Who saw what: the opening is on the case's trail, naming every member seen.
    viewed = events("theme_case.viewed", case).get()
    assert viewed.actor == clerk and viewed.actor_role == "intake_clerk"
    assert sorted(viewed.changes["applications"][1]) == sorted(
        m.pk for m in members_of(case).values()
    )


def test_a_case_is_not_found_by_a_wrong_window_or_an_applicant(case, other_clerk, citizen):
    wrong_window = session_client(other_clerk, verified=True)

    assert wrong_window.get(url(case)).status_code == 404
    assert wrong_window.get("/api/v1/intake/cases/999999/").status_code == 404
    assert token_client(citizen).get(url(case)).status_code == 403
    assert session_client(citizen).get(url(case)).status_code == 403
    assert not events("theme_case.viewed").exists()


# --- Accept ---------------------------------------------------------------------------------------


def test_the_window_accepts_the_whole_case(case, desk, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(url(case, "accept"), {"revision": case.revision}, format="json")

    assert response.status_code == 200, response.content
    members = {m["member_key"]: m for m in response.json()["members"]}
    assert {key: m["status"] for key, m in members.items()} == {
        "registration": "under_review",
        "fire": "under_review",
        "food": "waiting",
    }
    assert response.json()["can_decide"] is False
    assert events("theme_case.accepted", case).get().actor == clerk
    assert desk.get(QUEUE).json()["count"] == 0


def test_a_second_accept_changes_nothing_and_answers_409(case, desk):
    first = desk.post(url(case, "accept"), {"revision": case.revision}, format="json")
    assert first.status_code == 200

    stale = desk.post(url(case, "accept"), {"revision": case.revision}, format="json")
    again = desk.post(url(case, "accept"), {"revision": first.json()["revision"]}, format="json")

    assert stale.status_code == 409 and stale.json()["type"] == "/api/problems/stale"
    assert again.status_code == 409 and again.json()["type"] == "/api/problems/state"
    assert events("theme_case.accepted", case).count() == 1


def test_two_clerks_at_once_give_one_outcome(case, desk, clerk, window):
    from accounts.models import OfficialRole
    from tests.factories import OfficialFactory

    colleague = OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user
    read = desk.get(url(case)).json()["revision"]

    accepted = desk.post(url(case, "accept"), {"revision": read}, format="json")
    refused = session_client(colleague, verified=True).post(
        url(case, "refuse"), {"revision": read, "reasons": "Not ours."}, format="json"
    )

    assert accepted.status_code == 200
    assert refused.status_code == 409
    assert "not_accepted" not in _statuses(case).values()
    assert not events("theme_case.refused", case).exists()


# --- Accept with a pledge -------------------------------------------------------------------------


def test_the_window_accepts_with_a_pledge_for_a_members_material(case, desk, clerk):
    response = desk.post(
        url(case, "accept-with-pledge"),
        {
            "revision": case.revision,
            "pledges": [{"member": "fire", "material": "lease"}],
            "due_on": in_days(10).isoformat(),
            "note": "Hands in the signed lease later.",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    fire = members_of(case)["fire"]
    assert fire.status == "under_review"
    pledge = Pledge.objects.get(application=fire)
    assert (pledge.material_key, pledge.due_on) == ("lease", in_days(10))
    event = events("theme_case.accepted_with_pledge", case).get()
    assert event.actor == clerk and event.changes["pledged"][1] == {"fire": ["lease"]}


@pytest.mark.parametrize(
    "pledge",
    [{"member": "bakery", "material": "lease"}, {"member": "fire", "material": "passport"}],
    ids=["unknown member", "unknown material"],
)
def test_a_pledge_for_what_the_case_does_not_have_answers_400(case, desk, pledge):
    response = desk.post(
        url(case, "accept-with-pledge"),
        {"revision": case.revision, "pledges": [pledge], "due_on": in_days(10).isoformat()},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["pledges"]
    assert set(_statuses(case).values()) == {"submitted"}
    assert not Pledge.objects.exists()


def test_a_pledge_due_today_is_refused_by_the_service(case, desk):
    response = desk.post(
        url(case, "accept-with-pledge"),
        {
            "revision": case.revision,
            "pledges": [{"member": "fire", "material": "lease"}],
            "due_on": in_days(0).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 422
    assert "due_on" in response.json()["errors"]
    assert set(_statuses(case).values()) == {"submitted"}


# --- One supplement notice ------------------------------------------------------------------------


def test_one_supplement_notice_covers_every_member(case, desk, clerk):
    response = desk.post(
        url(case, "request-supplement"),
        {
            "revision": case.revision,
            "items": [
                {"material": "shared:lease", "problem": "The lease is not signed."},
                {"member": "fire", "field": "shop_name", "problem": "Not the name on the sign."},
            ],
            "reply_by": in_days(10).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert set(_statuses(case).values()) == {"supplement_requested"}
    assert SupplementRequest.objects.filter(application__theme_case=case).count() == 3
    fire = SupplementRequest.objects.get(
        application__theme_case=case, application__theme_member_key="fire"
    )
    assert {i.get("field") or i["material"] for i in fire.items} == {"lease", "shop_name"}
    event = events("theme_case.supplement_requested", case).get()
    assert event.actor == clerk
    assert event.changes["departments"][1] == ["city-fire", "city-market"]
    assert response.json()["can_decide"] is False


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"material": "shared:passport", "problem": "Missing."}, "shared:passport"),
        ({"material": "bakery:lease", "problem": "Missing."}, "bakery:lease"),
        ({"member": "bakery", "field": "shop_name", "problem": "Wrong."}, "bakery:shop_name"),
        ({"member": "fire", "field": "colour", "problem": "Wrong."}, "fire:colour"),
    ],
    ids=["unknown shared material", "unknown member", "unknown member's field", "unknown field"],
)
def test_a_notice_naming_what_the_case_does_not_have_answers_400(case, desk, item, message):
    response = desk.post(
        url(case, "request-supplement"),
        {"revision": case.revision, "items": [item], "reply_by": in_days(10).isoformat()},
        format="json",
    )

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert list(errors) == ["items"] and message in errors["items"][0]
    assert set(_statuses(case).values()) == {"submitted"}
    assert not SupplementRequest.objects.exists()


def test_a_notice_without_items_answers_400(case, desk):
    response = desk.post(
        url(case, "request-supplement"),
        {"revision": case.revision, "items": [], "reply_by": in_days(10).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "items" in response.json()["errors"]


# --- Refuse ---------------------------------------------------------------------------------------


def test_the_window_refuses_the_whole_case_saying_where_to_apply(case, desk, clerk):
    response = desk.post(
        url(case, "refuse"),
        {
            "revision": case.revision,
            "reasons": "Not a matter of this city.",
            "competent_agency": "福建省市场监督管理局",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert set(_statuses(case).values()) == {"not_accepted"}
    event = events("theme_case.refused", case).get()
    assert event.actor == clerk and event.reason == "Not a matter of this city."
    assert event.changes["competent_agency"][1] == "福建省市场监督管理局"


def test_a_refusal_without_reasons_answers_400(case, desk):
    response = desk.post(url(case, "refuse"), {"revision": case.revision}, format="json")

    assert response.status_code == 400
    assert "reasons" in response.json()["errors"]


# --- Nobody else decides --------------------------------------------------------------------------

ACTS = {
    "accept": {},
    "accept-with-pledge": {"pledges": [{"member": "fire", "material": "lease"}]},
    "request-supplement": {"items": [{"material": "shared:lease", "problem": "Unsigned."}]},
    "refuse": {"reasons": "Not ours."},
}


@pytest.mark.parametrize("action", list(ACTS))
def test_no_decision_by_a_wrong_window_or_an_applicant(case, other_clerk, citizen, action):
    body = {
        "revision": case.revision,
        "due_on": in_days(10).isoformat(),
        "reply_by": in_days(10).isoformat(),
        **ACTS[action],
    }

    wrong_desk = session_client(other_clerk, verified=True)

    wrong_window = wrong_desk.post(url(case, action), body, format="json")
    nowhere = wrong_desk.post(f"/api/v1/intake/cases/999999/{action}/", body, format="json")
    applicant = token_client(citizen).post(url(case, action), body, format="json")

    assert wrong_window.status_code == 404
    assert wrong_window.json() == nowhere.json()  # its existence does not leak
    assert applicant.status_code == 403
    assert set(_statuses(case).values()) == {"submitted"}
    assert not AuditEvent.objects.filter(
        action__startswith="theme_case.", object_id=str(case.pk)
    ).exists()
