"""What an agent sees and does follows the administrator's choices: ``sees_all_applications``
(otherwise only the applications the agent filed) and ``can_apply``. Administrators always may."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import BusinessMembership
from approvals.models import Application
from approvals.selectors import policy
from approvals.services.applications import application_start, application_submit
from tests.approvals.applications.helpers import filled_draft
from tests.approvals.applications.pages import body, main_part
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("approvals:dashboard")
START = reverse("approvals:application_start", args=["SPJY"])


def rows(response) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", main_part(response), re.S)[1:]


def detail_url(application) -> str:
    return reverse("approvals:application_detail", args=[application.pk])


@pytest.fixture
def admin(business):
    return MembershipFactory(business=business, user=PersonFactory().user, admin=True).user


@pytest.fixture
def colleague_membership(business):
    return MembershipFactory(business=business, user=PersonFactory().user)


@pytest.fixture
def colleague(colleague_membership):
    return colleague_membership.user


@pytest.fixture
def colleagues_draft(colleague, business, version):
    return application_start(actor=colleague, version=version, business=business)


def allow(user, business, **permissions):
    BusinessMembership.objects.filter(user=user, business=business).update(**permissions)


# --- Seeing -------------------------------------------------------------------------------------


def test_an_agent_without_see_all_lists_only_the_applications_they_filed(
    agent, business, version, colleagues_draft, client_for
):
    own = application_start(actor=agent, version=version, business=business)

    page = client_for(agent).get(DASHBOARD)

    assert detail_url(own) in main_part(page)
    assert detail_url(colleagues_draft) not in main_part(page)
    assert len(rows(page)) == 1


def test_an_agent_with_see_all_lists_every_application_of_the_business(
    agent, business, version, colleagues_draft, client_for
):
    own = application_start(actor=agent, version=version, business=business)
    allow(agent, business, sees_all_applications=True)

    page = client_for(agent).get(DASHBOARD)

    assert detail_url(own) in main_part(page)
    assert detail_url(colleagues_draft) in main_part(page)
    assert len(rows(page)) == 2


def test_the_administrator_always_sees_every_application(
    admin, business, colleagues_draft, client_for
):
    page = client_for(admin).get(DASHBOARD)

    assert detail_url(colleagues_draft) in main_part(page)
    assert client_for(admin).get(detail_url(colleagues_draft)).status_code == 200


@pytest.mark.parametrize(
    ("route", "extra"),
    [
        ("application_detail", []),
        ("application_step", ["basic"]),
        ("application_review", []),
        ("application_discard", []),
    ],
)
def test_an_agent_without_see_all_gets_404_on_a_colleague_s_application(
    agent, business, colleagues_draft, client_for, route, extra
):
    url = reverse(f"approvals:{route}", args=[colleagues_draft.pk, *extra])

    assert client_for(agent).get(url).status_code == 404

    allow(agent, business, sees_all_applications=True)
    assert client_for(agent).get(url).status_code == 200


def test_an_agent_without_see_all_cannot_change_a_colleague_s_draft(
    agent, colleagues_draft, client_for
):
    url = reverse("approvals:application_step", args=[colleagues_draft.pk, "basic"])

    response = client_for(agent).post(url, {"shop_name": "Not mine"})

    assert response.status_code == 404
    assert Application.objects.get(pk=colleagues_draft.pk).data == colleagues_draft.data
    with pytest.raises(PermissionDenied):
        policy.require_application_edit(agent, colleagues_draft)


def test_visibility_costs_two_queries_whatever_the_memberships(agent, business, version):
    for _ in range(3):
        MembershipFactory(user=agent, sees_all_applications=True)
    application_start(actor=agent, version=version, business=business)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        count = Application.objects.filter(policy.applicant_visibility(agent)).count()

    assert count == 1
    assert len(queries) == 2  # the memberships, then the applications


# --- Applying -----------------------------------------------------------------------------------


def test_an_agent_who_may_not_apply_is_not_offered_the_business(
    agent, business, version, client_for
):
    allow(agent, business, can_apply=False)

    page = client_for(agent).get(START)

    # the agent is a verified person, so only "as myself" remains
    assert business.name not in body(page)


def test_an_agent_who_may_not_apply_is_refused_when_posting_the_business(
    agent, business, version, client_for
):
    allow(agent, business, can_apply=False)

    response = client_for(agent).post(START, {"applicant": str(business.pk)})

    assert response.status_code in (200, 404)
    assert not Application.objects.filter(business=business).exists()
    with pytest.raises(PermissionDenied):
        application_start(actor=agent, version=version, business=business)


def test_an_agent_who_may_apply_starts_for_the_business(agent, business, version, client_for):
    client_for(agent).post(START, {"applicant": str(business.pk)})

    assert Application.objects.get().business == business


def test_an_agent_whose_apply_permission_was_withdrawn_cannot_submit_their_draft(
    agent, business, version
):
    draft = filled_draft(actor=agent, version=version, business=business)
    allow(agent, business, can_apply=False)

    with pytest.raises(PermissionDenied):
        application_submit(actor=agent, application=draft, idempotency_key="k")

    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_the_administrator_always_may_apply(admin, business, version):
    allow(admin, business, can_apply=False)  # ignored for administrators

    assert application_start(actor=admin, version=version, business=business).business == business
