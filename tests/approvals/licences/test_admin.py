"""The licence register in the admin: supervisors look, nobody changes."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def supervisor_client(official_client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_licence"))
    return official_client(user)


def test_the_register_lists_and_searches(register, supervisor_client):
    url = reverse("admin:approvals_licence_changelist")
    page = supervisor_client.get(url)
    assert page.status_code == 200
    assert register.licence.number in page.text
    assert (
        supervisor_client.get(url, {"status__exact": "revoked"}).text.count(register.licence.number)
        == 0
    )
    found = supervisor_client.get(url, {"q": register.licence.number})
    assert register.licence.number in found.text


def test_nothing_can_be_changed(register, supervisor_client):
    change = reverse("admin:approvals_licence_change", args=[register.licence.pk])
    page = supervisor_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert supervisor_client.post(change, {"status": "revoked"}).status_code == 403
    assert supervisor_client.get(reverse("admin:approvals_licence_add")).status_code == 403
    delete = reverse("admin:approvals_licence_delete", args=[register.licence.pk])
    assert supervisor_client.post(delete, {"post": "yes"}).status_code == 403
    register.licence.refresh_from_db()
    assert register.licence.status == "valid"
