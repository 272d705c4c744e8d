"""一件事 cases through the API, beyond the journey: a stranger's case is not found, hostile
answers and steps are refused, the registry's ID number is masked, and the case reads a number
of queries that does not grow with its members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import ThemeCase
from tests.approvals.api.conftest import session_client, token_client
from tests.factories import ServiceVersionFactory, ThemeCaseFactory, ThemeVersionFactory

pytestmark = pytest.mark.django_db


def _draft(api, code="OPEN-SHOP"):
    response = api.post("/api/v1/theme-cases/", {"theme": code}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_start_answers_and_a_member_step(theme, citizen):
    api = token_client(citizen)
    case = _draft(api)

    answered = api.put(
        f"/api/v1/theme-cases/{case['id']}/answers/",
        {"answers": {"food": True}, "revision": case["revision"]},
        format="json",
    ).json()
    step = api.put(
        f"/api/v1/theme-cases/{case['id']}/members/food/steps/basic/",
        {"values": {"applicant_name": "王芳"}, "revision": answered["revision"]},
        format="json",
    )

    assert answered["applying"] == ["food"]
    assert answered["steps"] == ["answers", "shared", "food/basic", "materials"]
    assert step.status_code == 200, step.content
    assert step.json()["members_data"]["food"]["applicant_name"] == "王芳"


@pytest.mark.parametrize(
    "answers",
    [{"food": "perhaps"}, {"food": None}, {}, {"food": 1}],
)
def test_answers_that_are_not_answers_are_refused(theme, citizen, answers):
    api = token_client(citizen)
    case = _draft(api)

    response = api.put(
        f"/api/v1/theme-cases/{case['id']}/answers/",
        {"answers": answers, "revision": case["revision"]},
        format="json",
    )

    assert response.status_code in (400, 422)  # 400: not JSON the request takes; 422: refused
    assert "food" in str(response.json()["errors"])
    assert ThemeCase.objects.get(pk=case["id"]).answers == {}


def test_a_member_the_answers_do_not_need_has_no_steps(theme, citizen):
    api = token_client(citizen)
    case = _draft(api)
    api.put(
        f"/api/v1/theme-cases/{case['id']}/answers/",
        {"answers": {"food": False}, "revision": case["revision"]},
        format="json",
    )

    response = api.put(
        f"/api/v1/theme-cases/{case['id']}/members/food/steps/basic/",
        {"values": {"applicant_name": "x"}, "revision": 2},
        format="json",
    )

    assert response.status_code == 404


def test_a_required_shared_field_left_empty_is_refused_by_field(theme, citizen):
    api = token_client(citizen)
    case = _draft(api)
    case = api.put(
        f"/api/v1/theme-cases/{case['id']}/answers/",
        {"answers": {"food": True}, "revision": case["revision"]},
        format="json",
    ).json()

    response = api.put(
        f"/api/v1/theme-cases/{case['id']}/shared/",
        {"values": {"shop": ""}, "revision": case["revision"]},
        format="json",
    )

    assert response.status_code == 400
    assert "shop" in response.json()["errors"]


def test_a_stranger_finds_no_case_and_changes_nothing(theme, citizen, other_applicant):
    case = _draft(token_client(citizen))
    stranger = session_client(other_applicant)

    assert stranger.get(f"/api/v1/theme-cases/{case['id']}/").status_code == 404
    response = stranger.put(
        f"/api/v1/theme-cases/{case['id']}/answers/",
        {"answers": {"food": True}, "revision": case["revision"]},
        format="json",
    )
    assert response.status_code == 404
    assert ThemeCase.objects.get(pk=case["id"]).answers == {}
    assert stranger.get("/api/v1/theme-cases/").json() == []


def test_the_registry_id_number_is_masked(window, citizen):
    version = ServiceVersionFactory(published=True)
    theme = ThemeVersionFactory(
        published=True,
        lead_department=window,
        shared_fields=[
            {
                "key": "id_number",
                "schema": {"type": "string", "title": "ID", "x-prefill": "person.id_number"},
            }
        ],
        members=[{"key": "m", "service_item": version.item, "field_map": {}}],
    )
    api = token_client(citizen)

    case = _draft(api, code=theme.item.code)

    id_number = citizen.person.id_number
    assert case["shared"]["id_number"] != id_number
    assert id_number[-4:] in case["shared"]["id_number"]


def _case_with_members(window, n):
    versions = [ServiceVersionFactory(published=True) for _ in range(n)]
    theme = ThemeVersionFactory(
        published=True,
        lead_department=window,
        members=[
            {"key": f"m{k}", "service_item": version.item, "field_map": {}}
            for k, version in enumerate(versions)
        ],
    )
    return theme


def test_the_case_reads_a_number_of_queries_that_does_not_grow_with_its_members(window, citizen):
    api = token_client(citizen)

    def queries(n):
        theme = _case_with_members(window, n)
        case = ThemeCaseFactory(
            version=theme, person=citizen.person, created_by=citizen, submitted=True
        )
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"/api/v1/theme-cases/{case.pk}/")
        assert response.status_code == 200
        assert len(response.json()["members"]) == n
        return len(captured)

    queries(1)  # warm the caches (token, calendar)
    assert queries(2) == queries(5)


def test_my_cases_read_a_number_of_queries_that_does_not_grow_with_the_cases(
    theme, window, citizen
):
    api = token_client(citizen)

    def queries(n):
        for _ in range(n):
            ThemeCaseFactory(
                version=theme,
                person=citizen.person,
                created_by=citizen,
                submitted=True,
                answers={"food": True},
            )
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/theme-cases/")
        assert response.status_code == 200
        return len(captured), len(response.json())

    queries(1)  # warm the caches (token)
    few, listed_few = queries(1)
    many, listed_many = queries(4)

    assert (listed_few, listed_many) == (2, 6)
    assert many == few
