"""The public progress lookup: status and dates only, one message for any wrong pair, and a limit
on tries per client address."""

import logging

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from approvals.models import Application
from approvals.services.applications import application_start, application_submit
from tests.approvals.applications.helpers import filled_draft
from tests.approvals.applications.pages import body, main_part

pytestmark = pytest.mark.django_db

TRACK = reverse("approvals:track")
GENERIC = "No application matches this tracking number and query code."


@pytest.fixture
def submitted(citizen, version):
    return application_submit(
        actor=citizen,
        application=filled_draft(actor=citizen, version=version),
        idempotency_key="k",
    )


@pytest.fixture
def visitor(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_right_pair_shows_status_and_dates_but_no_personal_data(submitted, citizen, visitor):
    response = visitor.post(
        TRACK, {"tracking_number": submitted.tracking_number, "query_code": submitted.query_code}
    )

    html = main_part(response)
    assert response.status_code == 200
    assert submitted.tracking_number in html
    assert "Food business licence" in html
    assert "Submitted, awaiting intake" in html
    assert f"{submitted.submitted_at.astimezone().date():%Y-%m-%d}" in html
    for personal in (
        citizen.person.real_name,
        citizen.person.id_number,
        citizen.person.masked_id_number,
        "老福州小吃",
        citizen.email,
    ):
        assert personal not in html
    assert response["Cache-Control"] == "private, no-store"


def test_a_query_code_stored_before_as_a_pbkdf2_hash_still_finds_the_application(
    submitted, visitor, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    old_hash = PBKDF2PasswordHasher().encode("654321", "saltsaltsalt", iterations=1000)
    Application.objects.filter(pk=submitted.pk).update(query_code_hash=old_hash)

    right = visitor.post(
        TRACK, {"tracking_number": submitted.tracking_number, "query_code": "654321"}
    )
    wrong = visitor.post(
        TRACK, {"tracking_number": submitted.tracking_number, "query_code": "654320"}
    )

    assert submitted.tracking_number in main_part(right)
    assert GENERIC in body(wrong)


def test_the_pair_is_forgiving_about_case_and_spaces(submitted, visitor):
    response = visitor.post(
        TRACK,
        {
            "tracking_number": f" {submitted.tracking_number.lower()} ",
            "query_code": f"{submitted.query_code[:3]} {submitted.query_code[3:]}",
        },
    )

    assert response.status_code == 200
    assert submitted.tracking_number in main_part(response)


def test_a_wrong_code_and_a_wrong_number_get_the_same_answer(submitted, visitor, caplog):
    wrong_code = f"{(int(submitted.query_code) + 1) % 1_000_000:06d}"

    with caplog.at_level(logging.WARNING, logger="portal.track"):
        bad_code = visitor.post(
            TRACK, {"tracking_number": submitted.tracking_number, "query_code": wrong_code}
        )
        bad_number = visitor.post(
            TRACK, {"tracking_number": "SPJY-20000101-00001", "query_code": submitted.query_code}
        )

    assert bad_code.status_code == bad_number.status_code == 404
    assert GENERIC in body(bad_code) and GENERIC in body(bad_number)
    assert "Food business licence" not in main_part(bad_code)
    failures = [r for r in caplog.records if r.name == "portal.track"]
    assert [r.getMessage() for r in failures] == ["track lookup failed ip=127.0.0.1"] * 2


def test_a_draft_cannot_be_looked_up(citizen, version, visitor):
    application_start(actor=citizen, version=version)

    response = visitor.post(TRACK, {"tracking_number": "SPJY", "query_code": "000000"})

    assert GENERIC in body(response)


def test_malformed_input_is_explained_beside_the_fields(visitor):
    response = visitor.post(TRACK, {"tracking_number": "", "query_code": "12ab"})

    assert response.status_code == 400
    assert "Enter the tracking number." in body(response)
    assert "The query code is six digits." in body(response)
    assert 'value="12ab"' in body(response)


def test_after_ten_tries_the_address_must_wait(submitted, visitor, caplog):
    for attempt in range(10):
        response = visitor.post(
            TRACK, {"tracking_number": submitted.tracking_number, "query_code": "000000"}
        )
        assert response.status_code in (404, 200), attempt

    with caplog.at_level(logging.WARNING, logger="portal.track"):
        blocked = visitor.post(
            TRACK,
            {"tracking_number": submitted.tracking_number, "query_code": submitted.query_code},
        )

    assert blocked.status_code == 429
    assert "Too many tries" in body(blocked)
    assert submitted.tracking_number not in main_part(blocked)
    assert any("rate limit" in r.getMessage() for r in caplog.records)
    other_address = visitor.post(
        TRACK,
        {"tracking_number": submitted.tracking_number, "query_code": submitted.query_code},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other_address.status_code == 200


def test_showing_the_form_does_not_count_as_a_try(visitor):
    for _ in range(20):
        assert visitor.get(TRACK).status_code == 200

    response = visitor.post(
        TRACK, {"tracking_number": "SPJY-20000101-00001", "query_code": "123456"}
    )

    assert response.status_code == 404
