"""One error format: RFC 9457 problem details, with field errors, for 400 to 422, and 500."""

import pytest
from rest_framework.test import APIClient

from tests.approvals.api.conftest import session_client, token_client

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def _assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("/api/problems/")
    if code:
        assert body["type"] == f"/api/problems/{code}"
    return body


def test_400_lists_the_field_errors(citizen, world):
    response = token_client(citizen).post(
        f"/api/v1/applications/{world.application.pk}/withdraw/",
        {},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = _assert_problem(response, 400, "invalid")
    assert body["errors"] == {"reason": ["This field is required."]}


def test_401_without_credentials_says_how_to_authenticate(db):
    response = APIClient().get("/api/v1/applications/")

    _assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_401_for_a_bad_token(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer pat_not-a-real-token")

    _assert_problem(client.get("/api/v1/applications/"), 401, "authentication_failed")


def test_403_for_an_official_without_the_second_factor(unverified_official):
    response = session_client(unverified_official).get("/api/v1/intake/applications/")

    _assert_problem(response, 403, "permission_denied")


def test_404_for_someone_elses_application_looks_like_a_missing_one(world, other_applicant):
    api = token_client(other_applicant)

    theirs = api.get(f"/api/v1/applications/{world.application.pk}/")
    missing = api.get("/api/v1/applications/999999/")

    assert _assert_problem(theirs, 404) == _assert_problem(missing, 404)


def test_409_for_a_stale_revision(world, reviewer):
    api = session_client(reviewer, verified=True)

    response = api.post(
        f"/api/v1/tasks/{world.task.pk}/claim/",
        {"revision": world.task.revision + 5},
        format="json",
    )

    _assert_problem(response, 409, "stale")


def test_422_when_a_rule_of_the_procedure_refuses(world, citizen):
    # Nothing to answer: the application is under review with no supplement notice.
    response = token_client(citizen).post(
        f"/api/v1/applications/{world.application.pk}/supplement-answer/",
        {},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = _assert_problem(response, 422, "invalid")
    assert "no supplement" in body["detail"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_problem_details_are_translated(world, citizen, language):
    response = token_client(citizen).post(
        f"/api/v1/applications/{world.application.pk}/withdraw/",
        {},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    from django.utils import translation

    message = response.json()["errors"]["reason"][0]
    with translation.override(language):
        assert message == translation.gettext("This field is required.")
    assert (message == "This field is required.") == (language == "en")


def test_an_unexpected_error_under_the_api_answers_500_problem_details(citizen, world, monkeypatch):
    # Given a read that breaks unexpectedly
    from django.test import Client

    def broken(user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("approvals.api.views.applicant.applications_for_applicant", broken)
    client = Client(raise_request_exception=False)
    client.force_login(citizen, backend="accounts.backends.EmailOrMobileBackend")

    # When the applicant calls the API
    response = client.get("/api/v1/applications/")

    # Then the answer is problem details, without the error's text
    body = _assert_problem(response, 500, "server_error")
    assert "database" not in response.content.decode()
    assert body["detail"]


def test_an_unexpected_error_on_a_page_is_still_the_sites_500_page(db):
    from django.test import RequestFactory

    from approvals.api.errors import api_aware_server_error

    response = api_aware_server_error(RequestFactory().get("/services/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
