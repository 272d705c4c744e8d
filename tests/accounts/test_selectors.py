import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import MembershipRole, MembershipStatus
from accounts.selectors import (
    business_invitations_for_user,
    business_members,
    business_memberships_for_user,
    get_business_for_admin,
    get_business_for_member,
    get_invitation_for_invitee,
    get_membership_for_admin,
)
from tests.factories import BusinessFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_membership():
    return MembershipFactory(admin=True, user=PersonFactory().user)


@pytest.fixture
def business(admin_membership):
    return admin_membership.business


def test_an_active_member_gets_the_business_and_their_own_membership(business):
    # given an active agent of the business
    agent = MembershipFactory(business=business, user=PersonFactory().user)

    # when the agent fetches it
    found = get_business_for_member(agent.user, business.pk)

    # then they get it, with their role attached
    assert found == business
    assert found.viewer_membership.role == MembershipRole.AGENT


@pytest.mark.parametrize("status", [MembershipStatus.INVITED, MembershipStatus.REMOVED])
def test_invited_and_removed_members_get_404(business, status):
    membership = MembershipFactory(business=business, user=PersonFactory().user, status=status)

    with pytest.raises(Http404):
        get_business_for_member(membership.user, business.pk)


def test_an_outsider_gets_404_and_the_denial_is_logged(business, caplog):
    outsider = PersonFactory().user

    with caplog.at_level(logging.WARNING, logger="portal.policy"), pytest.raises(Http404):
        get_business_for_member(outsider, business.pk)

    assert f"user={outsider.pk} action=business.view" in caplog.text
    assert f"accounts.business:{business.pk}" in caplog.text


def test_a_missing_business_and_an_anonymous_visitor_get_404(business):
    with pytest.raises(Http404):
        get_business_for_member(PersonFactory().user, business.pk + 1000)
    with pytest.raises(Http404):
        get_business_for_member(AnonymousUser(), business.pk)


def test_only_the_administrator_gets_the_business_for_managing(admin_membership, business):
    agent = MembershipFactory(business=business, user=PersonFactory().user)

    assert get_business_for_admin(admin_membership.user, business.pk) == business
    with pytest.raises(PermissionDenied):
        get_business_for_admin(agent.user, business.pk)
    with pytest.raises(Http404):
        get_business_for_admin(PersonFactory().user, business.pk)


def test_membership_for_admin_stays_inside_the_business(admin_membership, business):
    # given an agent of another business
    elsewhere = MembershipFactory(user=PersonFactory().user)

    # then this business's administrator cannot reach it through their own business
    with pytest.raises(Http404):
        get_membership_for_admin(admin_membership.user, business.pk, elsewhere.pk)


def test_membership_for_admin_marks_the_last_administrator(admin_membership, business):
    found = get_membership_for_admin(admin_membership.user, business.pk, admin_membership.pk)
    assert found.is_last_admin

    MembershipFactory(business=business, admin=True, user=PersonFactory().user)
    found = get_membership_for_admin(admin_membership.user, business.pk, admin_membership.pk)
    assert not found.is_last_admin


def test_removed_memberships_cannot_be_fetched_for_removal(admin_membership, business):
    removed = MembershipFactory(
        business=business, user=PersonFactory().user, status=MembershipStatus.REMOVED
    )
    with pytest.raises(Http404):
        get_membership_for_admin(admin_membership.user, business.pk, removed.pk)


def test_only_the_invitee_gets_their_invitation(business, caplog):
    invitation = MembershipFactory(business=business, invited=True, user=PersonFactory().user)

    assert get_invitation_for_invitee(invitation.user, invitation.pk) == invitation
    with caplog.at_level(logging.WARNING, logger="portal.policy"), pytest.raises(Http404):
        get_invitation_for_invitee(PersonFactory().user, invitation.pk)
    assert "action=business.respond_invitation" in caplog.text


def test_memberships_for_user_lists_only_active_ones(django_assert_max_num_queries):
    # given a person who is active in two businesses, invited to one and removed from another
    user = PersonFactory().user
    active = [
        MembershipFactory(user=user, business=BusinessFactory(name="B business")),
        MembershipFactory(user=user, business=BusinessFactory(name="A business"), admin=True),
    ]
    MembershipFactory(user=user, invited=True)
    MembershipFactory(user=user, status=MembershipStatus.REMOVED)

    # when their memberships are listed
    with django_assert_max_num_queries(1):
        names = [m.business.name for m in business_memberships_for_user(user)]

    # then only the active ones appear, by business name
    assert names == ["A business", "B business"]
    assert {m.pk for m in business_memberships_for_user(user)} == {m.pk for m in active}


def test_invitations_for_user_lists_only_open_invitations(django_assert_max_num_queries):
    user = PersonFactory().user
    invitation = MembershipFactory(user=user, invited=True)
    MembershipFactory(user=user)
    MembershipFactory(user=user, status=MembershipStatus.REMOVED)

    with django_assert_max_num_queries(1):
        found = [(m.pk, m.business.name) for m in business_invitations_for_user(user)]

    assert found == [(invitation.pk, invitation.business.name)]


def test_business_members_lists_admins_then_agents_then_invitations_in_one_query(
    admin_membership, business, django_assert_max_num_queries
):
    # given an invitation, an agent and a removed agent, created in that order
    invitation = MembershipFactory(business=business, invited=True, user=PersonFactory().user)
    agent = MembershipFactory(business=business, user=PersonFactory().user)
    MembershipFactory(business=business, user=PersonFactory().user, status=MembershipStatus.REMOVED)

    # when the members are listed, with their names
    with django_assert_max_num_queries(1):
        members = business_members(business)
        names = [m.user.person.real_name for m in members]

    # then the removed one is left out and the administrator comes first
    assert [m.pk for m in members] == [admin_membership.pk, agent.pk, invitation.pk]
    assert names[0] == admin_membership.user.person.real_name
    assert [m.is_last_admin for m in members] == [True, False, False]


def test_no_member_is_the_last_admin_when_there_are_two(admin_membership, business):
    MembershipFactory(business=business, admin=True, user=PersonFactory().user)

    assert [m.is_last_admin for m in business_members(business)] == [False, False]
