"""Reads of accounts data, with their permission filters inside.

The fetch-and-authorize selectors return the object or raise: ``Http404`` where the caller must not
learn that the object exists (someone outside the business), ``PermissionDenied`` where they already
know it does (a member who is not its administrator). Every denial goes through
``accounts.policy``, which logs it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts import policy
from accounts.models import (
    Business,
    BusinessMembership,
    MembershipRole,
    MembershipStatus,
    User,
)


def get_business_for_member(user: User, pk: int) -> Business:
    """The business ``pk`` if ``user`` is an active member of it; otherwise ``Http404``.

    The returned business carries ``viewer_membership``, the user's own membership, so that pages
    can tell an administrator from an agent without asking again.
    """
    business = Business.objects.filter(pk=pk).first()
    if business is None:
        raise Http404
    membership = policy.active_membership(user, business)
    if membership is None:
        try:
            policy.deny(user, "business.view", business)
        except PermissionDenied:
            # Outsiders get the same answer as for a business that does not exist.
            raise Http404 from None
    business.viewer_membership = membership
    return business


def get_business_for_admin(user: User, pk: int) -> Business:
    """The business ``pk`` if ``user`` is its active administrator.

    Outsiders get ``Http404``; members who are not administrators get ``PermissionDenied``.
    """
    business = get_business_for_member(user, pk)
    if business.viewer_membership.role != MembershipRole.ADMIN:
        policy.deny(user, "business.manage_members", business)
    return business


def get_membership_for_admin(
    user: User, business_pk: int, membership_pk: int
) -> BusinessMembership:
    """An open membership (active or invited) of a business that ``user`` administers."""
    business = get_business_for_admin(user, business_pk)
    membership = (
        BusinessMembership.objects.select_related("user__person")
        .filter(pk=membership_pk, business=business)
        .exclude(status=MembershipStatus.REMOVED)
        .first()
    )
    if membership is None:
        raise Http404
    membership.business = business
    membership.is_last_admin = (
        membership.role == MembershipRole.ADMIN
        and membership.status == MembershipStatus.ACTIVE
        and not BusinessMembership.objects.filter(
            business=business, role=MembershipRole.ADMIN, status=MembershipStatus.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    return membership


def get_invitation_for_invitee(user: User, pk: int) -> BusinessMembership:
    """The invitation ``pk`` if it was sent to ``user``; otherwise ``Http404``.

    The invitation may since have been answered or withdrawn; the service says so.
    """
    membership = BusinessMembership.objects.select_related("business").filter(pk=pk).first()
    if membership is None:
        raise Http404
    if membership.user_id != user.pk:
        try:
            policy.deny(user, "business.respond_invitation", membership)
        except PermissionDenied:
            raise Http404 from None
    return membership


def business_memberships_for_user(user: User) -> QuerySet[BusinessMembership]:
    """The businesses ``user`` acts for now (active memberships), by business name."""
    return (
        BusinessMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("business")
        .order_by("business__name", "pk")
    )


def business_invitations_for_user(user: User) -> QuerySet[BusinessMembership]:
    """Invitations ``user`` has not answered yet, newest first."""
    return (
        BusinessMembership.objects.filter(user=user, status=MembershipStatus.INVITED)
        .select_related("business")
        .order_by("-created_at", "-pk")
    )


def business_members(business: Business) -> list[BusinessMembership]:
    """The business's administrators, agents and open invitations, in one query.

    Administrators come first, then active agents, then invitations, each by when they joined.
    Removed members are history and are not listed. Each membership carries ``is_last_admin``, so
    that pages do not offer a removal the service would refuse.
    """
    memberships = sorted(
        BusinessMembership.objects.filter(business=business)
        .exclude(status=MembershipStatus.REMOVED)
        .select_related("user__person"),
        key=lambda m: (m.role != MembershipRole.ADMIN, m.status != MembershipStatus.ACTIVE, m.pk),
    )
    active_admins = [
        m
        for m in memberships
        if m.role == MembershipRole.ADMIN and m.status == MembershipStatus.ACTIVE
    ]
    for membership in memberships:
        membership.is_last_admin = active_admins == [membership]
    return memberships
