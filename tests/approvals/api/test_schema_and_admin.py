"""The OpenAPI schema, the reference page, and the admin's handling of client secrets."""

import re

from rest_framework.test import APIClient

from approvals.models import ApiClient
from approvals.models.api import hash_token
from audit.models import AuditEvent


def test_the_schema_is_public_openapi_3_and_every_operation_has_a_summary(db):
    response = APIClient().get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 40
    assert all(op.get("summary") for op in operations)
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])


def test_the_reference_page_loads_its_script_from_static_files_only(db):
    response = APIClient().get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'src="/static/js/api-docs.js"' in html
    assert 'data-schema-url="/api/schema/?format=json"' in html
    # No inline script (the CSP forbids it) and nothing from another origin.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"(src|href)=\"https?://", html)


def test_a_new_api_client_shows_its_secret_once_and_keeps_only_the_hash(
    verified_client_factory, bureau
):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    browser = verified_client_factory(admin)

    response = browser.post(
        "/admin/approvals/apiclient/add/",
        {
            "name": "planning",
            "scopes": ["licence:read"],
            "department": bureau.pk,
            "is_active": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    [secret] = re.findall(r"cli_[A-Za-z0-9_-]{20,}", response.content.decode())
    client = ApiClient.objects.get(name="planning")
    assert client.secret_hash == hash_token(secret)
    assert client.scopes == ["licence:read"] and client.department == bureau
    assert AuditEvent.objects.filter(action="api.client_created", object_id=str(client.pk)).exists()
    again = browser.get(f"/admin/approvals/apiclient/{client.pk}/change/").content.decode()
    assert secret not in again


def test_the_admin_cannot_un_revoke_a_personal_token(citizen, verified_client_factory):
    # Given a token its owner revoked
    from django.utils import timezone

    from approvals.models import PersonalToken
    from approvals.services.api_credentials import personal_token_create
    from tests.factories import UserFactory

    token, _raw = personal_token_create(actor=citizen, name="old app")
    PersonalToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    browser = verified_client_factory(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/approvals/personaltoken/{token.pk}/change/"

    # When an administrator posts the change form with revoked_at cleared
    page = browser.get(url).content.decode()
    browser.post(url, {"revoked_at_0": "", "revoked_at_1": "", "revoked_at": ""})

    # Then the field is not editable and the token stays revoked
    assert 'name="revoked_at' not in page
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_staff_user_without_the_client_managers_right_cannot_widen_a_client(
    scoped_client, verified_client_factory
):
    # Given a staff user who may change API clients but not manage them (no add permission)
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_apiclient"))
    browser = verified_client_factory(staff)

    # When they post the client's change form with more scopes and no department
    response = browser.post(
        f"/admin/approvals/apiclient/{scoped_client.pk}/change/",
        {
            "name": "market back office",
            "scopes": ["licence:read", "application:read", "webhook"],
            "department": "",
            "is_active": "on",
        },
    )

    # Then it is refused and the client keeps its department
    assert response.status_code == 403
    scoped_client.refresh_from_db()
    assert scoped_client.department is not None
