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


# --- Applications, applicant side ---------------------------------------------------------------
# An applicant sees the applications they filed, those filed for them as a person (for example at
# the counter), and those of every business they are an active member of.


def applicant_visibility(user):
    """A ``Q`` over ``Application`` for what ``user`` may see as an applicant. Filters on indexed
    columns only (DESIGN.md §3), so lists stay fast."""
    from django.db.models import Q

    from accounts.models import BusinessMembership, MembershipStatus

    if not user.is_authenticated:
        return Q(pk__in=[])
    business_ids = BusinessMembership.objects.filter(
        user=user, status=MembershipStatus.ACTIVE
    ).values("business_id")
    return Q(created_by=user) | Q(person__user=user) | Q(business_id__in=business_ids)


def _is_applicant_side(user, application) -> bool:
    if not user.is_authenticated:
        return False
    if application.created_by_id == user.pk:
        return True
    if application.person_id is not None and application.person.user_id == user.pk:
        return True
    return application.business_id is not None and (
        active_membership(user, application.business) is not None
    )


def require_application_view(user, application) -> None:
    if not _is_applicant_side(user, application):
        deny(user, "application.view", application)


def require_application_edit(user, application) -> None:
    """Change a draft, upload its materials, submit it, or withdraw it."""
    if not _is_applicant_side(user, application):
        deny(user, "application.edit", application)


def require_can_apply_as(user, *, business=None) -> None:
    """Apply as oneself (a verified person) or for a business one actively belongs to."""
    if business is not None:
        if active_membership(user, business) is None:
            deny(user, "application.apply_for_business", business)
        return
    if not user.is_authenticated or getattr(user, "person", None) is None:
        deny(user, "application.apply_as_person")


# --- Service catalogue --------------------------------------------------------------------------


def is_catalogue_admin(user) -> bool:
    """Superusers and catalogue administrators (the Django permission
    ``approvals.change_serviceversion``), signed in and active."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_perm("approvals.change_serviceversion")


def require_catalogue_admin(user) -> None:
    """Draft, publish, retire or import service guides."""
    if not is_catalogue_admin(user):
        deny(user, "catalogue.manage")
