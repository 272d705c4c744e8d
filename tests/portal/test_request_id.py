"""Every response carries a request id that log lines and audit events can be matched with."""

import re

import pytest

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"^[0-9a-f]{32}$")


def test_response_carries_a_new_request_id(client):
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert GENERATED.match(first["X-Request-ID"])
    assert GENERATED.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_valid_incoming_request_id_is_kept(client):
    response = client.get("/", HTTP_X_REQUEST_ID="lb-2026.11.22_abc-123")

    assert response["X-Request-ID"] == "lb-2026.11.22_abc-123"


@pytest.mark.parametrize(
    "incoming",
    [
        "short",  # too short to be unique
        "x" * 65,  # too long
        "id with spaces",
        "<script>alert(1)</script>",
        "abc12345\r\nSet-Cookie: a=b",
    ],
)
def test_an_invalid_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert GENERATED.match(response["X-Request-ID"])
