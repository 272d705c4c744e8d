"""The business pages: register a business, its page and members, invitations and removals."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse

from accounts import urls as accounts_urls
from accounts.models import Business, BusinessMembership, MembershipRole, MembershipStatus
from audit.models import AuditEvent
from tests.factories import (
    BusinessFactory,
    LegalPersonRecordFactory,
    MembershipFactory,
    PersonFactory,
    make_uscc,
)

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    """The error messages shown beside a form field."""
    return re.findall(
        rf'<p class="error-message" id="id_{field}-error-\d+">([^<]*)</p>', page(response)
    )


def error_summary(response) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page(response), re.S)
    return match.group(0) if match else ""


def business_events() -> int:
    """How many business changes the audit trail has recorded."""
    return AuditEvent.objects.filter(action__startswith="business.").count()


def membership_state(business) -> list[tuple]:
    return list(
        BusinessMembership.objects.filter(business=business)
        .order_by("pk")
        .values_list("pk", "user_id", "role", "status")
    )


@pytest.fixture(autouse=True)
def _english(client):
    """The portal defaults to Chinese; these tests read the English source strings."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin_membership():
    return MembershipFactory(admin=True, user=PersonFactory().user)


@pytest.fixture
def business(admin_membership):
    return admin_membership.business


@pytest.fixture
def admin(admin_membership):
    return admin_membership.user


@pytest.fixture
def agent_membership(business):
    return MembershipFactory(business=business, user=PersonFactory().user)


@pytest.fixture
def agent(agent_membership):
    return agent_membership.user


@pytest.fixture
def invitation(business, admin):
    return MembershipFactory(
        business=business, invited=True, invited_by=admin, user=PersonFactory().user
    )


# --- Registering a business -------------------------------------------------------------------


@pytest.fixture
def person():
    return PersonFactory()


@pytest.fixture
def registry_record(person):
    return LegalPersonRecordFactory(
        name="福州闽江餐饮有限公司",
        legal_representative=person.real_name,
        legal_representative_id_number=person.id_number,
        address="福建省福州市台江区江滨路8号",
    )


def test_the_legal_representative_registers_the_business_from_the_registry(
    client, person, registry_record
):
    # given the registry's legal representative, signed in
    client.force_login(person.user)
    typed = " " + registry_record.uscc.lower() + " "

    # when they enter the code in lower case with stray spaces
    response = client.post(reverse("accounts:business_register"), {"uscc": typed}, follow=True)

    # then the business exists, with the registry's details, and they are its administrator
    business = Business.objects.get()
    assert business.uscc == registry_record.uscc
    assert response.redirect_chain[-1][0] == reverse("accounts:business_detail", args=[business.pk])
    content = page(response)
    assert "福州闽江餐饮有限公司" in content
    assert registry_record.uscc in content
    assert person.real_name in content
    assert "福建省福州市台江区江滨路8号" in content
    assert "is registered" in content
    membership = BusinessMembership.objects.get(business=business)
    assert (membership.user, membership.role, membership.status) == (
        person.user,
        MembershipRole.ADMIN,
        MembershipStatus.ACTIVE,
    )
    assert AuditEvent.objects.filter(action="business.registered", actor=person.user).exists()


def _bad_checksum(code: str) -> str:
    wrong = "0" if code[-1] != "0" else "1"
    return code[:17] + wrong


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not_representative", "names another person as this business's legal representative"),
        ("unknown", "has no business with this code"),
        ("bad_checksum", "check character is wrong"),
        ("bad_format", "has 18 characters"),
        ("already_registered", "This business is already registered"),
    ],
)
def test_registration_failures_show_beside_the_field_and_keep_the_input(
    client, person, registry_record, case, expected
):
    # given a code that cannot be registered by this person
    code = {
        "not_representative": LegalPersonRecordFactory().uscc,
        "unknown": make_uscc(),
        "bad_checksum": _bad_checksum(registry_record.uscc),
        "bad_format": "91350100-ABC",
        "already_registered": registry_record.uscc,
    }[case]
    if case == "already_registered":
        BusinessFactory(uscc=code)
    businesses_before = Business.objects.count()
    client.force_login(person.user)

    # when they submit it
    response = client.post(reverse("accounts:business_register"), {"uscc": code})

    # then the page comes back with the error beside the field and in the summary, input kept
    assert response.status_code == 200
    errors = field_errors(response, "uscc")
    assert len(errors) == 1
    assert expected in errors[0].replace("&#x27;", "'")
    summary = error_summary(response)
    assert 'href="#id_uscc"' in summary
    assert expected in summary.replace("&#x27;", "'")
    assert f'value="{code}"' in page(response)
    assert 'aria-invalid="true"' in page(response)
    assert Business.objects.count() == businesses_before


def test_an_account_without_a_person_profile_cannot_register_a_business(client, registry_record):
    account = MembershipFactory().user  # a plain account: no verified person
    client.force_login(account)

    response = client.get(reverse("accounts:business_register"))
    assert response.status_code == 403
    assert "Only a person whose identity was checked" in page(response)

    response = client.post(reverse("accounts:business_register"), {"uscc": registry_record.uscc})
    assert response.status_code == 403
    assert not Business.objects.filter(uscc=registry_record.uscc).exists()


def test_registering_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:business_register"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Who may see and act: the route matrix ----------------------------------------------------

# Every business route that concerns one business or one invitation: (method, kwargs builder).
# The builder gets the fixtures and returns the URL keyword arguments.
MEMBER_ROUTES = {
    "business_detail": ("get", lambda f: {"pk": f["business"].pk}),
    "business_agent_invite": ("post", lambda f: {"pk": f["business"].pk}),
    "business_member_remove": (
        "get",
        lambda f: {"pk": f["business"].pk, "membership_pk": f["agent_membership"].pk},
    ),
    "business_member_remove:post": (
        "post",
        lambda f: {"pk": f["business"].pk, "membership_pk": f["agent_membership"].pk},
    ),
    "business_invitation_respond": ("post", lambda f: {"pk": f["invitation"].pk}),
    "business_agent_permissions": (
        "post",
        lambda f: {"pk": f["business"].pk, "membership_pk": f["agent_membership"].pk},
    ),
}
# Routes open to every verified person, not tied to one business.
OPEN_ROUTES = {"business_register"}
POST_DATA = {
    "business_agent_invite": {"identifier": "someone@example.cn"},
    "business_member_remove:post": {"reason": "test"},
    "business_invitation_respond": {"decision": "accept"},
    "business_agent_permissions": {"member-0-can_apply": "on"},
}


def _business_route_names() -> set[str]:
    resolver = get_resolver(accounts_urls)
    return {
        pattern.name
        for pattern in resolver.url_patterns
        if isinstance(pattern, URLPattern) and pattern.name and pattern.name.startswith("business")
    }


def test_every_business_route_is_in_the_matrix():
    covered = {key.split(":")[0] for key in MEMBER_ROUTES} | OPEN_ROUTES
    assert _business_route_names() == covered


def _request(client, route_key, fixtures):
    method, kwargs = MEMBER_ROUTES[route_key]
    url = reverse(f"accounts:{route_key.split(':')[0]}", kwargs=kwargs(fixtures))
    if method == "get":
        return client.get(url)
    return client.post(url, POST_DATA.get(route_key, {}))


@pytest.fixture
def fixtures(business, agent_membership, invitation):
    return {"business": business, "agent_membership": agent_membership, "invitation": invitation}


@pytest.mark.parametrize("route_key", sorted(MEMBER_ROUTES))
@pytest.mark.parametrize("outsider", ["stranger", "removed_member", "other_business_admin"])
def test_outsiders_get_404_on_every_business_route(client, fixtures, route_key, outsider):
    # given someone who is not an active member of the business (nor the invitee)
    business = fixtures["business"]
    if outsider == "stranger":
        user = PersonFactory().user
    elif outsider == "removed_member":
        user = MembershipFactory(
            business=business, user=PersonFactory().user, status=MembershipStatus.REMOVED
        ).user
    else:
        user = MembershipFactory(admin=True, user=PersonFactory().user).user
    before = membership_state(business)
    events_before = business_events()
    client.force_login(user)

    # when they open the route
    response = _request(client, route_key, fixtures)

    # then it answers as if the business did not exist, and nothing changes
    assert response.status_code == 404
    assert business.name not in page(response)
    assert membership_state(business) == before
    assert business_events() == events_before


@pytest.mark.parametrize("route_key", sorted(MEMBER_ROUTES))
def test_anonymous_visitors_are_sent_to_sign_in(client, fixtures, route_key):
    response = _request(client, route_key, fixtures)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_missing_business_is_a_404_like_any_other(client, business):
    client.force_login(PersonFactory().user)
    response = client.get(reverse("accounts:business_detail", args=[business.pk + 1000]))
    assert response.status_code == 404


# --- The business page ------------------------------------------------------------------------


def test_an_agent_sees_the_page_but_no_management_controls(client, business, agent, invitation):
    client.force_login(agent)

    response = client.get(reverse("accounts:business_detail", args=[business.pk]))

    assert response.status_code == 200
    content = page(response)
    assert business.name in content
    assert business.uscc in content
    assert business.legal_representative in content
    assert "Invite an agent" not in content
    assert "/remove/" not in content


@pytest.mark.parametrize(
    ("route", "method", "data"),
    [
        ("business_agent_invite", "post", {}),
        ("business_member_remove", "get", None),
        ("business_member_remove", "post", {"reason": "I want to"}),
    ],
)
def test_an_agent_cannot_invite_or_remove(
    client, business, admin_membership, agent, invitation, route, method, data
):
    # given an agent and a target: the pending invitation (or the admin, for removal)
    client.force_login(agent)
    invitee_to_be = PersonFactory().user
    before = membership_state(business)
    events_before = business_events()
    if route == "business_agent_invite":
        url = reverse(f"accounts:{route}", args=[business.pk])
        data = {"identifier": invitee_to_be.email}
    else:
        url = reverse(f"accounts:{route}", args=[business.pk, admin_membership.pk])

    # when the agent tries
    response = client.get(url) if method == "get" else client.post(url, data)

    # then they are refused and nothing changes
    assert response.status_code in (403, 404)
    assert membership_state(business) == before
    assert business_events() == events_before


def test_the_admin_sees_members_with_masked_mobiles_and_the_last_admin_note(
    client, business, admin, agent, invitation
):
    client.force_login(admin)

    response = client.get(reverse("accounts:business_detail", args=[business.pk]))

    content = page(response)
    for member in (admin, agent, invitation.user):
        assert member.person.real_name in content
        assert member.masked_mobile in content
    assert "Invited" in content and "Active" in content
    assert "Authorised agent" in content and "Business administrator" in content
    assert "the last administrator cannot be removed" in content
    assert reverse("accounts:business_member_remove", args=[business.pk, invitation.pk]) in content
    assert "Withdraw invitation" in content
    # the sole administrator is not offered for removal
    assert (
        reverse(
            "accounts:business_member_remove",
            args=[business.pk, business.memberships.get(user=admin).pk],
        )
        not in content
    )


@pytest.mark.parametrize("viewer", ["admin", "agent"])
def test_no_page_shows_another_members_id_number_or_full_mobile(
    client, business, admin, agent, invitation, viewer
):
    # given the pages a member may open
    me = admin if viewer == "admin" else agent
    others = [u for u in (admin, agent, invitation.user) if u != me]
    client.force_login(me)
    urls = [reverse("accounts:business_detail", args=[business.pk]), reverse("accounts:home")]
    if viewer == "admin":
        urls.append(
            reverse(
                "accounts:business_member_remove",
                args=[business.pk, business.memberships.get(user=agent).pk],
            )
        )
        urls.append(reverse("accounts:business_member_remove", args=[business.pk, invitation.pk]))

    for url in urls:
        response = client.get(url)
        content = page(response)
        for other in others:
            # then no other member's ID number or full mobile number appears
            assert other.person.id_number not in content, url
            assert other.mobile not in content, url


def test_the_business_page_costs_the_same_queries_whatever_the_member_count(
    client, business, admin, django_assert_max_num_queries
):
    # given the page of a business with one member (its administrator), as a baseline
    client.force_login(admin)
    url = reverse("accounts:business_detail", args=[business.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    assert len(baseline) <= 10

    # when thirty more people join or are invited
    for index in range(30):
        MembershipFactory(business=business, user=PersonFactory().user, invited=index % 3 == 0)

    # then the page lists them all without a single extra query
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(url)
    assert response.status_code == 200
    assert page(response).count("<tr>") == 1 + 31  # header row, then one row per member


# --- Inviting, answering, removing ------------------------------------------------------------


@pytest.mark.parametrize("by", ["email", "mobile"])
def test_admin_invites_and_the_invitee_accepts_from_account_home(client, business, admin, by):
    # given a verified person who is not yet a member
    invitee = PersonFactory().user
    identifier = invitee.email.upper() if by == "email" else f"+86 {invitee.mobile[3:]}"
    client.force_login(admin)

    # when the administrator invites them by email or mobile
    response = client.post(
        reverse("accounts:business_agent_invite", args=[business.pk]),
        {"identifier": identifier},
        follow=True,
    )

    # then the page confirms, and lists them as invited
    assert response.redirect_chain[-1][0] == reverse("accounts:business_detail", args=[business.pk])
    assert "is invited as an agent" in page(response)
    membership = BusinessMembership.objects.get(business=business, user=invitee)
    assert membership.status == MembershipStatus.INVITED
    assert AuditEvent.objects.filter(action="business.agent_invited", actor=admin).exists()

    # when the invitee opens their account page
    client.force_login(invitee)
    home = page(client.get(reverse("accounts:home")))

    # then the invitation is waiting there with Accept and Decline, and the business page is closed
    respond_url = reverse("accounts:business_invitation_respond", args=[membership.pk])
    assert business.name in home
    assert f'action="{respond_url}"' in home
    assert 'name="decision" value="accept"' in home
    assert 'name="decision" value="decline"' in home
    assert client.get(reverse("accounts:business_detail", args=[business.pk])).status_code == 404

    # when they accept
    response = client.post(respond_url, {"decision": "accept"}, follow=True)

    # then they land on the business page, listed as an active agent
    assert response.redirect_chain[-1][0] == reverse("accounts:business_detail", args=[business.pk])
    assert "You now act for" in page(response)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    home = page(client.get(reverse("accounts:home")))
    assert respond_url not in home
    assert reverse("accounts:business_detail", args=[business.pk]) in home


def test_the_invitee_declines(client, business, invitation):
    client.force_login(invitation.user)
    respond_url = reverse("accounts:business_invitation_respond", args=[invitation.pk])

    response = client.post(respond_url, {"decision": "decline"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    content = page(response)
    assert "You declined the invitation" in content
    assert respond_url not in content
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.REMOVED
    assert client.get(reverse("accounts:business_detail", args=[business.pk])).status_code == 404


def test_answering_an_invitation_twice_says_it_is_closed(client, invitation):
    client.force_login(invitation.user)
    url = reverse("accounts:business_invitation_respond", args=[invitation.pk])
    client.post(url, {"decision": "decline"})

    response = client.post(url, {"decision": "accept"}, follow=True)

    assert "This invitation is no longer open." in page(response)
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.REMOVED


def test_a_response_without_a_decision_changes_nothing(client, invitation):
    client.force_login(invitation.user)

    response = client.post(
        reverse("accounts:business_invitation_respond", args=[invitation.pk]), {}, follow=True
    )

    assert "Choose whether to accept or decline" in page(response)
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.INVITED


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("nobody", "No verified person uses this email address or mobile number"),
        ("agent", "already a member of the business or has a pending invitation"),
        ("blank", "This field is required."),
    ],
)
def test_invite_errors_show_beside_the_field_and_keep_the_input(
    client, business, admin, agent, who, expected
):
    client.force_login(admin)
    identifier = {"nobody": "nobody@example.cn", "agent": agent.email, "blank": ""}[who]
    before = membership_state(business)

    response = client.post(
        reverse("accounts:business_agent_invite", args=[business.pk]), {"identifier": identifier}
    )

    assert response.status_code == 200
    errors = field_errors(response, "identifier")
    assert len(errors) == 1
    assert expected in errors[0]
    assert 'href="#id_identifier"' in error_summary(response)
    assert f'value="{identifier}"' in page(response) or not identifier
    # the rest of the business page is still there
    assert business.uscc in page(response)
    assert membership_state(business) == before


def test_admin_removes_an_agent_after_confirming_and_the_agent_loses_access(
    client, business, admin, agent, agent_membership
):
    client.force_login(admin)
    remove_url = reverse("accounts:business_member_remove", args=[business.pk, agent_membership.pk])

    # when the administrator follows the Remove link, they see a confirmation page first
    confirm = client.get(remove_url)
    assert confirm.status_code == 200
    assert agent.person.real_name in page(confirm)
    assert f"Remove {agent.person.real_name}" in page(confirm)
    agent_membership.refresh_from_db()
    assert agent_membership.status == MembershipStatus.ACTIVE

    # when they confirm with a reason
    response = client.post(remove_url, {"reason": "Left the company"}, follow=True)

    # then the agent is gone from the page, the reason is recorded, and the agent gets 404
    assert response.redirect_chain[-1][0] == reverse("accounts:business_detail", args=[business.pk])
    assert "no longer acts for" in page(response)
    agent_membership.refresh_from_db()
    assert agent_membership.status == MembershipStatus.REMOVED
    event = AuditEvent.objects.get(action="business.member_removed")
    assert event.reason == "Left the company"
    client.force_login(agent)
    assert client.get(reverse("accounts:business_detail", args=[business.pk])).status_code == 404
    assert business.name not in page(client.get(reverse("accounts:home")))


def test_admin_withdraws_an_invitation(client, business, admin, invitation):
    client.force_login(admin)
    url = reverse("accounts:business_member_remove", args=[business.pk, invitation.pk])
    assert "Withdraw the invitation" in page(client.get(url))

    response = client.post(url, {"reason": ""}, follow=True)

    assert "is withdrawn" in page(response)
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.REMOVED
    client.force_login(invitation.user)
    home = page(client.get(reverse("accounts:home")))
    assert reverse("accounts:business_invitation_respond", args=[invitation.pk]) not in home


def test_the_last_administrator_cannot_be_removed(client, business, admin, admin_membership):
    client.force_login(admin)
    url = reverse("accounts:business_member_remove", args=[business.pk, admin_membership.pk])

    confirm = client.get(url)
    assert "The last administrator cannot be removed" in page(confirm)
    assert '<form method="post" novalidate>' not in page(confirm)

    response = client.post(url, {"reason": ""})

    assert response.status_code == 403
    admin_membership.refresh_from_db()
    assert admin_membership.status == MembershipStatus.ACTIVE


def test_forms_carry_csrf_tokens(client, business, admin, invitation):
    client.force_login(admin)
    detail = page(client.get(reverse("accounts:business_detail", args=[business.pk])))
    invite_form = detail.split(reverse("accounts:business_agent_invite", args=[business.pk]))
    assert 'name="csrfmiddlewaretoken"' in invite_form[1].split("</form>")[0]
    client.force_login(invitation.user)
    home = page(client.get(reverse("accounts:home")))
    respond_form = home.split(reverse("accounts:business_invitation_respond", args=[invitation.pk]))
    assert 'name="csrfmiddlewaretoken"' in respond_form[1].split("</form>")[0]


def test_csrf_is_enforced_on_business_actions(business, admin):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    invitee = PersonFactory().user

    response = strict.post(
        reverse("accounts:business_agent_invite", args=[business.pk]),
        {"identifier": invitee.email},
    )

    assert response.status_code == 403
    assert not BusinessMembership.objects.filter(user=invitee).exists()
