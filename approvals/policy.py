"""The one place that answers "may this user do X to this object", for pages, API and admin alike.

Each function either returns quietly or raises ``PermissionDenied``; views turn that into 403/404
without saying whether the object exists. Denials are logged.
"""

import logging

from django.core.exceptions import PermissionDenied

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
    from accounts.models import BusinessMembership, MembershipStatus

    if not user.is_authenticated:
        return None
    return BusinessMembership.objects.filter(
        business=business, user=user, status=MembershipStatus.ACTIVE
    ).first()


def require_business_admin(user, business) -> None:
    from accounts.models import MembershipRole

    membership = active_membership(user, business)
    if membership is None or membership.role != MembershipRole.ADMIN:
        deny(user, "business.manage_members", business)


def require_business_member(user, business) -> None:
    if active_membership(user, business) is None:
        deny(user, "business.view", business)
