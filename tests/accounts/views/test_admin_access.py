"""The admin signs in through the portal's own page and is closed to citizens."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.accounts.views.auth_helpers import sign_in
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_admin_sign_in_redirects_to_the_portal_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("accounts:login")
    assert "next=/admin/" in response["Location"]


@pytest.mark.django_db
def test_signed_out_visitor_of_the_admin_ends_on_the_portal_sign_in_page(client):
    response = client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("accounts:login")
    assert 'name="next" value="/admin/"' in response.content.decode()


@pytest.mark.django_db
def test_a_citizen_is_refused_from_the_admin(client):
    citizen = PersonFactory().user
    sign_in(client, citizen.email)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert "Site administration" not in response.content.decode()
    assert len(response.redirect_chain) < 5
    assert client.get("/admin/auth/group/", follow=True).status_code == 403
