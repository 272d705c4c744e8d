"""Submission with an Idempotency-Key: replay, reuse with another request, in progress."""

from approvals.models import Application, IdempotencyRecord
from tests.approvals.api.conftest import ready_draft, token_client


def test_the_same_key_and_body_replays_the_first_response_and_submits_once(citizen, version):
    draft = ready_draft(citizen, version)
    api = token_client(citizen)
    url = f"/api/v1/applications/{draft.pk}/submit/"

    first = api.post(url, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(url, HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == {**first.json(), "query_code": None}
    assert Application.objects.filter(created_by=citizen, status="submitted").count() == 1


def test_the_same_key_with_another_request_is_refused_with_422(citizen, version):
    first_draft, second_draft = ready_draft(citizen, version), ready_draft(citizen, version)
    api = token_client(citizen)
    api.post(f"/api/v1/applications/{first_draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="k-2")

    reused = api.post(f"/api/v1/applications/{second_draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="k-2")

    assert reused.status_code == 422
    assert reused["Content-Type"] == "application/problem+json"
    assert reused.json()["type"] == "/api/problems/idempotency_key_reused"
    second_draft.refresh_from_db()
    assert second_draft.status == "draft"


def test_a_key_whose_first_request_is_still_running_answers_409(citizen, version):
    draft = ready_draft(citizen, version)
    api = token_client(citizen)
    url = f"/api/v1/applications/{draft.pk}/submit/"
    # The first request with this key is being served right now (its record is in progress).
    IdempotencyRecord.objects.create(
        user=citizen, key="k-3", route=url, request_hash=_fingerprint_of_submit(url)
    )

    busy = api.post(url, HTTP_IDEMPOTENCY_KEY="k-3")

    assert busy.status_code == 409
    assert busy.json()["type"] == "/api/problems/idempotency_in_progress"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_key_whose_first_request_died_is_taken_over_by_a_retry(citizen, version):
    import datetime as dt

    from approvals.api.idempotency import ABANDONED_AFTER

    draft = ready_draft(citizen, version)
    api = token_client(citizen)
    url = f"/api/v1/applications/{draft.pk}/submit/"
    # The first request with this key was killed mid-way long ago: its record stayed in progress.
    record = IdempotencyRecord.objects.create(
        user=citizen, key="k-5", route=url, request_hash=_fingerprint_of_submit(url)
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=record.created_at - ABANDONED_AFTER - dt.timedelta(minutes=1)
    )

    retried = api.post(url, HTTP_IDEMPOTENCY_KEY="k-5")
    replayed = api.post(url, HTTP_IDEMPOTENCY_KEY="k-5")

    assert retried.status_code == 201
    assert replayed.status_code == 201 and replayed["Idempotent-Replayed"] == "true"
    assert Application.objects.filter(created_by=citizen, status="submitted").count() == 1


def test_a_refused_submission_leaves_the_key_free_for_a_retry(citizen, version):
    from approvals.services.applications import application_start

    draft = application_start(actor=citizen, version=version)
    api = token_client(citizen)
    url = f"/api/v1/applications/{draft.pk}/submit/"

    refused = api.post(url, HTTP_IDEMPOTENCY_KEY="k-4")

    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"shop_name", "materials"}
    assert not IdempotencyRecord.objects.filter(key="k-4").exists()


def test_submission_without_a_key_is_refused_with_a_field_error(citizen, version):
    draft = ready_draft(citizen, version)

    response = token_client(citizen).post(f"/api/v1/applications/{draft.pk}/submit/")

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


def _fingerprint_of_submit(url: str) -> str:
    import hashlib

    return hashlib.sha256(f"POST {url}\n".encode()).hexdigest()
