"""The issuing department's register pages: list, detail, revoke and cancel with a reason."""

import pytest

from approvals.models import LicenceStatus
from audit.models import AuditEvent


def test_the_departments_officials_see_its_register(register, official_client):
    client = official_client(register.reviewer)
    page = client.get("/work/licences/")
    assert page.status_code == 200
    assert register.licence.number in page.text
    detail = client.get(f"/work/licences/{register.licence.pk}/")
    assert detail.status_code == 200
    assert "Revoke the licence" not in detail.text  # a reviewer sees, does not act


def test_another_departments_head_sees_nothing(register, official_client):
    client = official_client(register.other_head)
    assert register.licence.number not in client.get("/work/licences/").text
    assert client.get(f"/work/licences/{register.licence.pk}/").status_code == 404
    assert client.get(f"/work/licences/{register.licence.pk}/revoke/").status_code == 404


@pytest.mark.parametrize("who", ["holder", "stranger"])
def test_applicants_cannot_open_the_register(register, client_for, who):
    client = client_for(getattr(register, who))
    assert client.get("/work/licences/").status_code == 403
    assert client.get(f"/work/licences/{register.licence.pk}/revoke/").status_code == 403


def test_a_reviewer_cannot_revoke(register, official_client):
    client = official_client(register.reviewer)
    response = client.post(f"/work/licences/{register.licence.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 403
    register.licence.refresh_from_db()
    assert register.licence.status == LicenceStatus.VALID


@pytest.mark.parametrize(
    ("action", "status", "done"),
    [("revoke", "revoked", "is revoked"), ("cancel", "cancelled", "is cancelled")],
)
def test_the_head_ends_a_licence_with_a_reason(register, official_client, action, status, done):
    client = official_client(register.head)
    url = f"/work/licences/{register.licence.pk}/{action}/"
    assert client.get(url).status_code == 200
    # without a reason the page says so beside the field
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert "Give the reason" in empty.text
    assert 'aria-invalid="true"' in empty.text
    # with one, the licence ends and the detail page says so
    response = client.post(url, {"reason": "许可证被涂改"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/work/licences/{register.licence.pk}/"
    assert done in response.text
    assert "许可证被涂改" in response.text
    register.licence.refresh_from_db()
    assert register.licence.status == status
    assert AuditEvent.objects.filter(
        action=f"licence.{'revoked' if action == 'revoke' else 'cancelled'}"
    ).exists()
    # and a second try is refused on the page, not with a crash
    again = client.post(url, {"reason": "typed again"})
    assert again.status_code == 400
    assert "typed again" in again.text  # what was typed stays


def test_the_register_page_costs_a_fixed_number_of_queries(
    register, official_client, django_assert_max_num_queries
):
    from tests.factories import CertificateFactory, LicenceFactory

    for _ in range(5):
        CertificateFactory(licence=LicenceFactory(application__service_version=register.version))
    client = official_client(register.head)
    client.get("/work/licences/")
    with django_assert_max_num_queries(14):
        page = client.get("/work/licences/")
    assert page.text.count("/work/licences/") >= 6
