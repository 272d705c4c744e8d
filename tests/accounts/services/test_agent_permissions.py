"""The administrator decides whether an agent may apply for the business and sees all of its
applications (``business_agent_permissions_set``)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import BusinessMembership, MembershipStatus
from accounts.services.membership import business_agent_permissions_set
from audit.chain import verify_chain
from tests.factories import BusinessFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return BusinessFactory()


@pytest.fixture
def admin(business):
    return MembershipFactory(business=business, user=PersonFactory().user, admin=True).user


@pytest.fixture
def agent_membership(business):
    return MembershipFactory(business=business, user=PersonFactory().user)


def test_a_new_agent_may_apply_but_sees_only_what_they_filed(agent_membership):
    assert agent_membership.can_apply is True
    assert agent_membership.sees_all_applications is False


def test_the_administrator_changes_an_agent_s_permissions_and_it_is_audited(
    admin, agent_membership, audit_log
):
    # when the administrator withdraws "apply" and grants "see all"
    business_agent_permissions_set(
        actor=admin, membership=agent_membership, can_apply=False, sees_all_applications=True
    )

    # then the membership says so, and one audit event records before and after
    stored = BusinessMembership.objects.get(pk=agent_membership.pk)
    assert (stored.can_apply, stored.sees_all_applications) == (False, True)
    [event] = audit_log.new()
    assert event.action == "business.agent_permissions_changed"
    assert event.actor == admin
    assert event.on_behalf_of == f"business:{agent_membership.business_id}"
    assert event.changes == {"can_apply": [True, False], "sees_all_applications": [False, True]}
    assert verify_chain() is None


def test_saving_unchanged_permissions_writes_no_event(admin, agent_membership, audit_log):
    business_agent_permissions_set(
        actor=admin, membership=agent_membership, can_apply=True, sees_all_applications=False
    )

    assert audit_log.new() == []


def test_an_agent_cannot_change_permissions_not_even_their_own(
    business, agent_membership, audit_log
):
    colleague = MembershipFactory(business=business, user=PersonFactory().user).user

    for actor in (colleague, agent_membership.user):
        with pytest.raises(PermissionDenied):
            business_agent_permissions_set(
                actor=actor,
                membership=agent_membership,
                can_apply=True,
                sees_all_applications=True,
            )

    stored = BusinessMembership.objects.get(pk=agent_membership.pk)
    assert stored.sees_all_applications is False
    assert audit_log.new() == []


def test_the_administrator_of_another_business_is_refused(agent_membership, audit_log):
    other_admin = MembershipFactory(admin=True, user=PersonFactory().user).user

    with pytest.raises(PermissionDenied):
        business_agent_permissions_set(
            actor=other_admin,
            membership=agent_membership,
            can_apply=False,
            sees_all_applications=True,
        )

    assert BusinessMembership.objects.get(pk=agent_membership.pk).can_apply is True
    assert audit_log.new() == []


def test_an_administrator_s_own_membership_is_not_narrowed(business, admin, audit_log):
    admin_membership = BusinessMembership.objects.get(business=business, user=admin)

    with pytest.raises(ValidationError, match="always do everything"):
        business_agent_permissions_set(
            actor=admin, membership=admin_membership, can_apply=False, sees_all_applications=False
        )

    assert audit_log.new() == []


def test_a_removed_agent_s_permissions_cannot_be_changed(business, admin):
    former = MembershipFactory(
        business=business, user=PersonFactory().user, status=MembershipStatus.REMOVED
    )

    with pytest.raises(ValidationError, match="no longer a member"):
        business_agent_permissions_set(
            actor=admin, membership=former, can_apply=True, sees_all_applications=True
        )
