"""Who may act for a business (the membership rules), and the one way a denial is raised.

``approvals.selectors.policy`` builds its applicant-side rules on these; both apps depend on this
module, neither on the other for it. A denial is logged and raises ``PermissionDenied``; views turn
that into 403/404 without saying whether the object exists.
"""

import logging

from django.core.exceptions import PermissionDenied

from accounts.models import BusinessMembership, MembershipRole, MembershipStatus
from portal import request_context

logger = logging.getLogger("portal.policy")


def deny(user, action: str, obj=None) -> None:
    logger.warning(
        "denied user=%s action=%s object=%s:%s",
        getattr(user, "pk", None),
        action,
        obj._meta.label_lower if obj is not None else "",
        getattr(obj, "pk", ""),
    )
    raise PermissionDenied(action)


def active_membership(user, business):
    """The user's active membership of ``business`` (a ``Business`` or its id), or ``None``."""
    if not user.is_authenticated:
        return None
    return BusinessMembership.objects.filter(
        business=business, user=user, status=MembershipStatus.ACTIVE
    ).first()


def active_memberships(user) -> tuple:
    """The user's active memberships with their businesses, by the business's name: read once
    per read-only request (``portal.request_context.read_once``), however many of the rules and
    lists of the page ask."""
    if not user.is_authenticated:
        return ()
    return request_context.read_once(
        ("active_memberships", user.pk),
        lambda: tuple(
            BusinessMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
            .select_related("business")
            .order_by("business__name", "business_id")
        ),
    )


def require_business_admin(user, business) -> None:
    membership = active_membership(user, business)
    if membership is None or membership.role != MembershipRole.ADMIN:
        deny(user, "business.manage_members", business)


def require_business_member(user, business) -> None:
    if active_membership(user, business) is None:
        deny(user, "business.view", business)


# An administrator sees all of the business's applications and applies for it; other agents only
# when the administrator let them (``sees_all_applications``, ``can_apply``).


def membership_sees_all(membership) -> bool:
    return membership is not None and (
        membership.role == MembershipRole.ADMIN or membership.sees_all_applications
    )


def membership_may_apply(membership) -> bool:
    return membership is not None and (
        membership.role == MembershipRole.ADMIN or membership.can_apply
    )
