"""Who sees what: a department's client only its department's data, an applicant only their own;
credentials stored as hashes; officials only through the session with two-factor."""

from django.core.management import call_command
from rest_framework.test import APIClient

from approvals.models import ApiClient, PersonalToken
from approvals.models.api import hash_token
from audit.models import AuditEvent
from tests.approvals.api.conftest import bearer_client, session_client, token_client
from tests.factories import ApplicationFactory, ServiceItemFactory, ServiceVersionFactory


def test_a_department_client_sees_only_its_departments_applications_and_licences(
    world, scoped_client, other_department_client, other_department
):
    other_version = ServiceVersionFactory(
        item=ServiceItemFactory(code="FWJS", department=other_department), published=True
    )
    theirs = ApplicationFactory(submitted=True, service_version=other_version)
    market, housing = bearer_client(scoped_client.raw), bearer_client(other_department_client.raw)

    market_ids = [a["id"] for a in market.get("/api/v1/agency/applications/").json()["results"]]
    housing_ids = [a["id"] for a in housing.get("/api/v1/agency/applications/").json()["results"]]

    assert market_ids == [world.application.pk]
    assert housing_ids == [theirs.pk]
    assert housing.get(f"/api/v1/agency/applications/{world.application.pk}/").status_code == 404
    assert housing.get(f"/api/v1/licences/{world.licence.number}/").status_code == 404
    found = market.get(f"/api/v1/licences/?number={world.licence.number}").json()
    assert [lic["number"] for lic in found["results"]] == [world.licence.number]
    assert housing.get(f"/api/v1/licences/?holder={world.licence.holder_name}").json()["count"] == 0


def test_the_agencys_reads_are_audited_with_the_client(world, scoped_client):
    market = bearer_client(scoped_client.raw)

    market.get(f"/api/v1/licences/{world.licence.number}/")

    event = AuditEvent.objects.get(action="api.licence_read")
    assert event.on_behalf_of == f"api_client:{scoped_client.pk}"
    assert event.changes["via"] == [None, f"api_client:{scoped_client.pk}"]


def test_the_agencys_application_list_is_audited_with_the_client(world, scoped_client):
    # Given the market bureau's back office
    market = bearer_client(scoped_client.raw)

    # When it lists its department's applications
    listed = market.get("/api/v1/agency/applications/?status=under_review").json()

    # Then the read is recorded with the client, the filter and what it was shown
    event = AuditEvent.objects.get(action="api.application_list")
    assert event.on_behalf_of == f"api_client:{scoped_client.pk}"
    assert event.changes["status"] == [None, "under_review"]
    assert event.changes["page"] == [None, [row["id"] for row in listed["results"]]]
    assert event.changes["found"] == [None, listed["count"]] and listed["count"] >= 1


def test_a_client_without_the_scope_is_refused(world, scopeless_client):
    response = bearer_client(scopeless_client.raw).get(f"/api/v1/licences/{world.licence.number}/")

    assert response.status_code == 403


def test_an_applicant_never_sees_anothers_application_attachment_or_document(
    world, other_applicant
):
    api = token_client(other_applicant)

    listed = api.get("/api/v1/applications/").json()
    assert listed["count"] == 0
    for url in (
        f"/api/v1/applications/{world.application.pk}/",
        f"/api/v1/applications/{world.application.pk}/attachments/",
        f"/api/v1/applications/{world.application.pk}/documents/",
        f"/api/v1/attachments/{world.attachment.pk}/content/",
        f"/api/v1/documents/{world.document.pk}/content/",
    ):
        assert api.get(url).status_code == 404, url


def test_the_owner_downloads_the_attachment_and_the_download_is_audited(world, citizen):
    response = token_client(citizen).get(f"/api/v1/attachments/{world.attachment.pk}/content/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG fake"
    assert AuditEvent.objects.filter(action="attachment.downloaded").count() == 1


def test_only_hashes_of_tokens_and_client_secrets_are_stored(citizen, capsys, bureau):
    response = session_client(citizen).post("/api/v1/tokens/", {"name": "app"}, format="json")
    raw = response.json()["token"]

    call_command("api_client_create", "planning", "--scope", "licence:read")
    secret = capsys.readouterr().out.strip().splitlines()[-1]

    token = PersonalToken.objects.get(user=citizen)
    client = ApiClient.objects.get(name="planning")
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert client.secret_hash == hash_token(secret)
    assert bearer_client(secret).get("/api/v1/licences/?number=X").status_code == 200
    assert "token" not in session_client(citizen).get("/api/v1/tokens/").json()[0]


def test_a_revoked_token_no_longer_works(citizen):
    api = session_client(citizen)
    made = api.post("/api/v1/tokens/", {"name": "app"}, format="json").json()

    assert api.delete(f"/api/v1/tokens/{made['id']}/").status_code == 204

    assert bearer_client(made["token"]).get("/api/v1/applications/").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


def test_officials_cannot_hold_personal_tokens(clerk):
    response = session_client(clerk, verified=True).post(
        "/api/v1/tokens/", {"name": "app"}, format="json"
    )

    assert response.status_code == 403
    assert not PersonalToken.objects.filter(user=clerk).exists()


def test_a_token_of_a_user_who_later_became_an_official_is_refused(citizen, window):
    from tests.factories import OfficialFactory

    api = token_client(citizen)
    OfficialFactory(user=citizen, department=window)

    assert api.get("/api/v1/applications/").status_code == 401


def test_session_writes_need_the_csrf_token(citizen):
    api = session_client(citizen, enforce_csrf=True)

    response = api.post("/api/v1/tokens/", {"name": "app"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_an_official_without_the_second_factor_gets_403_not_a_redirect(unverified_official):
    api = session_client(unverified_official)

    assert api.get("/api/v1/tasks/").status_code == 403
    assert api.get("/api/v1/applications/").status_code == 403


def test_anonymous_callers_are_throttled_per_address(db, monkeypatch):
    from approvals.api.throttling import AnonymousThrottle

    monkeypatch.setattr(AnonymousThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    api = APIClient()

    statuses = [api.get("/api/v1/services/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_a_spoofed_forwarding_header_does_not_buy_a_fresh_budget(db, monkeypatch, settings):
    # Given no proxy header is trusted and a budget of two requests
    from approvals.api.throttling import AnonymousThrottle

    settings.TRUSTED_PROXY_IP_HEADER = ""
    monkeypatch.setattr(AnonymousThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    api = APIClient()

    # When the caller claims a different address on each request
    statuses = [
        api.get("/api/v1/services/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]

    # Then it is still one caller
    assert statuses == [200, 200, 429]


def test_behind_the_trusted_proxy_each_client_address_has_its_own_budget(db, monkeypatch, settings):
    from approvals.api.throttling import AnonymousThrottle

    settings.TRUSTED_PROXY_IP_HEADER = "X-Real-IP"
    monkeypatch.setattr(AnonymousThrottle, "THROTTLE_RATES", {"anon": "1/minute"})
    api = APIClient()

    first = api.get("/api/v1/services/", HTTP_X_REAL_IP="203.0.113.1").status_code
    again = api.get("/api/v1/services/", HTTP_X_REAL_IP="203.0.113.1").status_code
    other = api.get("/api/v1/services/", HTTP_X_REAL_IP="203.0.113.2").status_code

    assert [first, again, other] == [200, 429, 200]


def test_each_api_client_has_its_own_request_budget(
    world, scoped_client, other_department_client, monkeypatch
):
    from approvals.api.throttling import ClientThrottle

    monkeypatch.setattr(ClientThrottle, "THROTTLE_RATES", {"client": "2/minute"})
    market, housing = bearer_client(scoped_client.raw), bearer_client(other_department_client.raw)
    url = "/api/v1/agency/applications/"

    market_statuses = [market.get(url).status_code for _ in range(3)]

    assert market_statuses == [200, 200, 429]
    assert housing.get(url).status_code == 200


def test_each_user_has_their_own_request_budget(citizen, other_applicant, monkeypatch):
    from approvals.api.throttling import UserThrottle

    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "1/minute"})
    mine, theirs = token_client(citizen), token_client(other_applicant)

    assert [mine.get("/api/v1/applications/").status_code for _ in range(2)] == [200, 429]
    assert theirs.get("/api/v1/applications/").status_code == 200
