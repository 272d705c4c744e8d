"""A request body larger than MAX_REQUEST_BYTES is refused from its declared length, before any
middleware (the CSRF check) would spool it to disk — public forms included."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_oversized_upload_to_a_public_form_is_refused_unread(settings):
    settings.MAX_REQUEST_BYTES = 1024
    client = Client(enforce_csrf_checks=True)

    response = client.post("/verify/ABCDEFGHJKMNPQRS/", {"copy": "x"}, CONTENT_LENGTH="5000000")

    assert response.status_code == 413
    assert "MB" in response.content.decode()


def test_the_api_answers_with_problem_details(settings):
    settings.MAX_REQUEST_BYTES = 1024

    response = Client().post("/api/v1/track/", {}, CONTENT_LENGTH="5000000")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_a_body_within_the_limit_goes_through(settings):
    settings.MAX_REQUEST_BYTES = 10 * 1024 * 1024
    response = Client().post(
        "/api/v1/track/",
        {"tracking_number": "X", "query_code": "1"},
        content_type="application/json",
    )
    assert response.status_code != 413
