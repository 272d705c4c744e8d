"""A business's administrator invites and removes agents; an invited person accepts or declines."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import policy
from accounts.models import BusinessMembership, MembershipRole, MembershipStatus
from accounts.services.membership import (
    business_agent_invite,
    business_invitation_respond,
    business_member_remove,
)
from audit.chain import verify_chain
from tests.factories import BusinessFactory, MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return BusinessFactory(name="福州闽江餐饮有限公司")


@pytest.fixture
def admin(business):
    return MembershipFactory(business=business, user=PersonFactory().user, admin=True).user


@pytest.fixture
def invitee():
    return PersonFactory(user__email="li.na@example.cn", user__mobile="13912345678").user


@pytest.fixture
def agent(business):
    return MembershipFactory(business=business, user=PersonFactory().user).user


@pytest.fixture
def invitation(business, admin, invitee):
    return business_agent_invite(actor=admin, business=business, identifier=invitee.email)


def open_membership(business, user):
    return (
        BusinessMembership.objects.filter(business=business, user=user)
        .exclude(status=MembershipStatus.REMOVED)
        .first()
    )


# --- invite ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    [
        pytest.param("li.na@example.cn", id="email"),
        pytest.param("LI.NA@Example.cn", id="email-other-case"),
        pytest.param("13912345678", id="mobile"),
        pytest.param("+86 139 1234 5678", id="mobile-international"),
    ],
)
def test_the_admin_invites_a_registered_person_as_an_agent(
    business, admin, invitee, audit_log, identifier
):
    membership = business_agent_invite(actor=admin, business=business, identifier=identifier)

    membership.refresh_from_db()
    assert membership.user == invitee
    assert membership.business == business
    assert membership.role == MembershipRole.AGENT
    assert membership.status == MembershipStatus.INVITED
    assert membership.invited_by == admin
    [event] = audit_log.new()
    assert event.action == "business.agent_invited"
    assert event.actor == admin
    assert (event.object_type, event.object_id) == (
        "accounts.businessmembership",
        str(membership.pk),
    )
    assert event.on_behalf_of == f"business:{business.pk}"
    assert event.changes == {"status": [None, "invited"]}


def test_an_invited_person_cannot_act_for_the_business_yet(invitation, business, invitee):
    with pytest.raises(PermissionDenied):
        policy.require_business_member(invitee, business)


@pytest.mark.parametrize("who", ["agent", "outsider", "invited_admin"])
def test_only_an_active_admin_can_invite(business, admin, invitee, audit_log, who):
    if who == "outsider":
        actor = PersonFactory().user
    elif who == "agent":
        actor = MembershipFactory(business=business, user=PersonFactory().user).user
    else:
        membership = MembershipFactory(
            business=business, user=PersonFactory().user, admin=True, invited=True
        )
        actor = membership.user
    audit_log.mark()

    with pytest.raises(PermissionDenied):
        business_agent_invite(actor=actor, business=business, identifier=invitee.email)

    assert open_membership(business, invitee) is None
    assert audit_log.new() == []


def test_the_admin_of_another_business_cannot_invite(business, invitee, audit_log):
    other_admin = MembershipFactory(user=PersonFactory().user, admin=True).user
    audit_log.mark()

    with pytest.raises(PermissionDenied):
        business_agent_invite(actor=other_admin, business=business, identifier=invitee.email)

    assert open_membership(business, invitee) is None
    assert audit_log.new() == []


@pytest.mark.parametrize(
    "make_identifier",
    [
        pytest.param(lambda: "nobody@example.cn", id="unknown-email"),
        pytest.param(lambda: "13700000000", id="unknown-mobile"),
        pytest.param(lambda: "", id="empty"),
        pytest.param(lambda: UserFactory().email, id="account-without-verified-person"),
        pytest.param(
            lambda: PersonFactory(user__is_active=False).user.email, id="deactivated-account"
        ),
    ],
)
def test_inviting_someone_who_is_not_a_verified_person_is_refused(
    business, admin, audit_log, make_identifier
):
    identifier = make_identifier()
    audit_log.mark()

    with pytest.raises(ValidationError) as excinfo:
        business_agent_invite(actor=admin, business=business, identifier=identifier)

    assert "must sign up first" in excinfo.value.message_dict["identifier"][0]
    assert BusinessMembership.objects.filter(business=business).count() == 1  # the admin
    assert audit_log.new() == []


def test_inviting_a_person_with_a_pending_invitation_again_is_refused(
    invitation, business, admin, invitee, audit_log
):
    audit_log.mark()

    with pytest.raises(ValidationError) as excinfo:
        business_agent_invite(actor=admin, business=business, identifier=invitee.mobile)

    assert "already a member" in excinfo.value.message_dict["identifier"][0]
    assert BusinessMembership.objects.filter(user=invitee).count() == 1
    assert audit_log.new() == []


def test_inviting_an_active_member_is_refused(business, admin, agent, audit_log):
    with pytest.raises(ValidationError):
        business_agent_invite(actor=admin, business=business, identifier=agent.email)
    with pytest.raises(ValidationError):
        business_agent_invite(actor=admin, business=business, identifier=admin.email)

    assert audit_log.new() == []


# --- respond -----------------------------------------------------------------------------------


def test_the_invitee_accepts_and_can_act_for_the_business(invitation, business, invitee, audit_log):
    audit_log.mark()

    membership = business_invitation_respond(actor=invitee, membership=invitation, accept=True)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.ended_at is None
    policy.require_business_member(invitee, business)
    [event] = audit_log.new()
    assert event.action == "business.invitation_accepted"
    assert event.actor == invitee
    assert event.object_id == str(membership.pk)
    assert event.changes == {"status": ["invited", "active"]}


def test_the_invitee_declines(invitation, business, invitee, audit_log):
    audit_log.mark()

    membership = business_invitation_respond(actor=invitee, membership=invitation, accept=False)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REMOVED
    assert membership.ended_at is not None
    with pytest.raises(PermissionDenied):
        policy.require_business_member(invitee, business)
    [event] = audit_log.new()
    assert event.action == "business.invitation_declined"
    assert event.changes == {"status": ["invited", "removed"]}


@pytest.mark.parametrize("accept", [True, False])
@pytest.mark.parametrize("who", ["admin", "stranger"])
def test_only_the_invitee_can_respond(invitation, admin, audit_log, who, accept):
    actor = admin if who == "admin" else PersonFactory().user
    audit_log.mark()

    with pytest.raises(PermissionDenied):
        business_invitation_respond(actor=actor, membership=invitation, accept=accept)

    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.INVITED
    assert audit_log.new() == []


@pytest.mark.parametrize("second_answer", [True, False])
def test_an_answered_invitation_cannot_be_answered_again(
    invitation, invitee, audit_log, second_answer
):
    business_invitation_respond(actor=invitee, membership=invitation, accept=True)
    audit_log.mark()

    with pytest.raises(ValidationError, match="no longer open"):
        business_invitation_respond(actor=invitee, membership=invitation, accept=second_answer)

    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.ACTIVE
    assert audit_log.new() == []


# --- remove ------------------------------------------------------------------------------------


def test_the_admin_removes_an_agent(business, admin, agent, audit_log):
    membership = open_membership(business, agent)
    audit_log.mark()

    business_member_remove(actor=admin, membership=membership, reason="Left the company")

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REMOVED
    assert membership.ended_at is not None
    with pytest.raises(PermissionDenied):
        policy.require_business_member(agent, business)
    [event] = audit_log.new()
    assert event.action == "business.member_removed"
    assert event.actor == admin
    assert event.object_id == str(membership.pk)
    assert event.reason == "Left the company"
    assert event.changes == {"status": ["active", "removed"]}


def test_the_admin_withdraws_an_invitation(invitation, admin, audit_log):
    audit_log.mark()

    business_member_remove(actor=admin, membership=invitation)

    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.REMOVED
    [event] = audit_log.new()
    assert event.changes == {"status": ["invited", "removed"]}


@pytest.mark.parametrize("who", ["agent", "outsider"])
def test_only_an_admin_can_remove_members(business, admin, agent, audit_log, who):
    actor = agent if who == "agent" else PersonFactory().user
    target = open_membership(business, admin if who == "agent" else agent)
    audit_log.mark()

    with pytest.raises(PermissionDenied):
        business_member_remove(actor=actor, membership=target)

    target.refresh_from_db()
    assert target.status == MembershipStatus.ACTIVE
    assert audit_log.new() == []


def test_the_last_admin_cannot_be_removed(business, admin, agent, audit_log):
    membership = open_membership(business, admin)
    audit_log.mark()

    with pytest.raises(PermissionDenied):
        business_member_remove(actor=admin, membership=membership)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert audit_log.new() == []


def test_an_admin_can_be_removed_while_another_admin_remains(business, admin, audit_log):
    second_admin = MembershipFactory(business=business, user=PersonFactory().user, admin=True)
    audit_log.mark()

    business_member_remove(actor=admin, membership=open_membership(business, admin))

    assert open_membership(business, admin) is None
    policy.require_business_admin(second_admin.user, business)
    assert len(audit_log.new()) == 1


def test_removing_a_member_twice_is_refused(business, admin, agent, audit_log):
    membership = open_membership(business, agent)
    business_member_remove(actor=admin, membership=membership)
    audit_log.mark()

    with pytest.raises(ValidationError, match="no longer a member"):
        business_member_remove(actor=admin, membership=membership)

    assert audit_log.new() == []


def test_a_removed_member_can_be_invited_again(business, admin, agent, audit_log):
    old = open_membership(business, agent)
    business_member_remove(actor=admin, membership=old)

    again = business_agent_invite(actor=admin, business=business, identifier=agent.email)
    business_invitation_respond(actor=agent, membership=again, accept=True)

    assert again.pk != old.pk
    old.refresh_from_db()
    assert old.status == MembershipStatus.REMOVED  # the old membership stays as history
    assert open_membership(business, agent).pk == again.pk
    assert BusinessMembership.objects.filter(business=business, user=agent).count() == 2
    assert [event.action for event in audit_log.new()] == [
        "business.member_removed",
        "business.agent_invited",
        "business.invitation_accepted",
    ]


def test_a_person_who_declined_can_be_invited_again(invitation, business, admin, invitee):
    business_invitation_respond(actor=invitee, membership=invitation, accept=False)

    again = business_agent_invite(actor=admin, business=business, identifier=invitee.email)

    assert again.status == MembershipStatus.INVITED


# --- across businesses -------------------------------------------------------------------------


def test_a_person_may_act_for_several_businesses(business, admin, invitee):
    other = BusinessFactory()
    other_admin = MembershipFactory(business=other, user=PersonFactory().user, admin=True).user

    for owner, firm in [(admin, business), (other_admin, other)]:
        membership = business_agent_invite(actor=owner, business=firm, identifier=invitee.email)
        business_invitation_respond(actor=invitee, membership=membership, accept=True)

    policy.require_business_member(invitee, business)
    policy.require_business_member(invitee, other)
    assert set(invitee.businesses.all()) == {business, other}


def test_every_membership_change_leaves_an_intact_chain(business, admin, invitee, agent):
    membership = business_agent_invite(actor=admin, business=business, identifier=invitee.email)
    business_invitation_respond(actor=invitee, membership=membership, accept=True)
    business_member_remove(actor=admin, membership=membership)
    business_member_remove(actor=admin, membership=open_membership(business, agent))

    assert verify_chain() is None
