"""On the business page the administrator sees and changes what each agent may do."""

import pytest
from django.urls import reverse

from accounts.models import BusinessMembership
from audit.models import AuditEvent
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_membership():
    return MembershipFactory(admin=True, user=PersonFactory().user)


@pytest.fixture
def business(admin_membership):
    return admin_membership.business


@pytest.fixture
def agent_membership(business):
    return MembershipFactory(business=business, user=PersonFactory(real_name="李娜").user)


def permissions_url(business, membership) -> str:
    return reverse("accounts:business_agent_permissions", args=[business.pk, membership.pk])


def signed_in(client, user, language="en"):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(user)
    return client


def test_the_administrator_sees_each_agent_s_permissions(client, business, agent_membership):
    admin = business.memberships.get(role="admin").user
    page = signed_in(client, admin).get(reverse("accounts:business_detail", args=[business.pk]))

    content = page.content.decode()
    assert permissions_url(business, agent_membership) in content
    prefix = f"member-{agent_membership.pk}"
    # may apply: ticked; sees all: not ticked (the safe defaults)
    assert f'name="{prefix}-can_apply" id="id_{prefix}-can_apply" checked' in content
    assert f'name="{prefix}-sees_all_applications" id="id_{prefix}-sees_all_applications">' in (
        content
    )
    assert "Everything (administrator)" in content


def test_the_administrator_changes_an_agent_s_permissions(client, business, agent_membership):
    admin = business.memberships.get(role="admin").user
    browser = signed_in(client, admin)
    prefix = f"member-{agent_membership.pk}"

    response = browser.post(
        permissions_url(business, agent_membership), {f"{prefix}-sees_all_applications": "on"}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:business_detail", args=[business.pk])
    stored = BusinessMembership.objects.get(pk=agent_membership.pk)
    assert (stored.can_apply, stored.sees_all_applications) == (False, True)
    assert AuditEvent.objects.filter(action="business.agent_permissions_changed").count() == 1
    page = browser.get(response.url).content.decode()
    assert "The permissions of 李娜 are saved." in page
    ticked = f'name="{prefix}-sees_all_applications" id="id_{prefix}-sees_all_applications" checked'
    assert ticked in page


def test_an_agent_cannot_change_permissions(client, business, agent_membership):
    colleague = MembershipFactory(business=business, user=PersonFactory().user)
    browser = signed_in(client, agent_membership.user)

    for target in (agent_membership, colleague):
        response = browser.post(
            permissions_url(business, target), {f"member-{target.pk}-sees_all_applications": "on"}
        )
        assert response.status_code == 403

    assert not BusinessMembership.objects.filter(sees_all_applications=True).exists()
    assert not AuditEvent.objects.filter(action="business.agent_permissions_changed").exists()
    page = browser.get(reverse("accounts:business_detail", args=[business.pk])).content.decode()
    assert "/permissions/" not in page
    assert "see only the applications you filed" in page


def test_the_permissions_form_needs_csrf(business, agent_membership):
    from django.test import Client

    admin = business.memberships.get(role="admin").user
    browser = signed_in(Client(enforce_csrf_checks=True), admin)

    response = browser.post(
        permissions_url(business, agent_membership),
        {f"member-{agent_membership.pk}-sees_all_applications": "on"},
    )

    assert response.status_code == 403
    assert BusinessMembership.objects.get(pk=agent_membership.pk).sees_all_applications is False


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Permissions", "Save permissions"]),
        ("zh-hans", ["权限", "保存权限"]),
    ],
)
def test_the_permissions_column_renders_in_both_languages(
    client, business, agent_membership, language, texts
):
    admin = business.memberships.get(role="admin").user
    page = signed_in(client, admin, language).get(
        reverse("accounts:business_detail", args=[business.pk])
    )

    assert page.status_code == 200
    content = page.content.decode()
    for text in texts:
        assert text in content
