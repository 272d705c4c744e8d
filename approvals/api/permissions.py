"""Permission classes: every API view names its own (the default, IsAuthenticated, is a safety
net). They decide only *who kind of caller* may use an endpoint; *which objects* they may touch
is decided by the selectors and ``approvals.selectors.policy``, the same as for the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from accounts.models import User
from approvals.models.api import ApiClient, ApiScope
from approvals.selectors import policy

WORK_ROLES = ("reviewer", "approver", "department_head", "supervisor")


def _is_portal_user(request) -> bool:
    return isinstance(request.user, User) and request.user.is_authenticated


def _second_factor_ok(request) -> bool:
    """Users who must use two-factor (officials, staff) pass only with a verified session."""
    user = request.user
    if not user.requires_second_factor:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class Public(permissions.AllowAny):
    """Anyone, signed in or not (the catalogue, progress lookup, verification)."""


class IsApplicant(permissions.BasePermission):
    """A portal user acting as an applicant: session or personal token, not an API client; a
    user who must use two-factor only after passing it."""

    message = _("Sign in as an applicant (session or personal token).")

    def has_permission(self, request, view) -> bool:
        return _is_portal_user(request) and _second_factor_ok(request)


class IsPortalUser(IsApplicant):
    """Any portal user (applicant or official) through session or token, second factor passed
    where required: downloads, whose object rule (``policy.require_attachment_download``)
    admits the applicant side and the officials on the case alike."""

    message = _("Sign in (session or personal token).")


class IsSessionUser(permissions.BasePermission):
    """Signed in through the site's session (managing one's own tokens)."""

    message = _("Manage tokens from a signed-in session.")

    def has_permission(self, request, view) -> bool:
        return (
            _is_portal_user(request)
            and not isinstance(request.auth, ApiClient)
            and request.auth is None  # SessionAuthentication leaves auth empty
            and _second_factor_ok(request)
        )


class _OfficialBase(permissions.BasePermission):
    message = _("Officials work through the signed-in session after the second factor.")

    def _verified_official(self, request) -> bool:
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return (
            _is_portal_user(request)
            and request.auth is None  # session only, never a token
            and bool(is_verified and is_verified())
        )


class IsIntakeClerk(_OfficialBase):
    """An intake clerk of a service window, session with a verified second factor."""

    def has_permission(self, request, view) -> bool:
        return self._verified_official(request) and policy.is_intake_clerk(request.user)


class IsOfficial(_OfficialBase):
    """An official with a working position (reviewer, approver, head, supervisor), session with
    a verified second factor."""

    def has_permission(self, request, view) -> bool:
        return self._verified_official(request) and bool(
            policy.position_roles(request.user) & set(WORK_ROLES)
        )


class _ClientScope(permissions.BasePermission):
    scope = ""

    @property
    def message(self):
        return _("This needs an API client with the scope %(scope)s.") % {"scope": self.scope}

    def has_permission(self, request, view) -> bool:
        client = request.auth
        return isinstance(client, ApiClient) and client.is_active and client.has_scope(self.scope)


class HasLicenceReadScope(_ClientScope):
    scope = ApiScope.LICENCE_READ


class HasApplicationReadScope(_ClientScope):
    scope = ApiScope.APPLICATION_READ
