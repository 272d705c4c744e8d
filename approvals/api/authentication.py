"""Who is calling: the site's session, an applicant's personal token, or another system's client.

Both kinds of token travel as ``Authorization: Bearer <token>``; the prefix says which
(``pat_`` personal, ``cli_`` client). Only hashes are stored, so a token is found by its hash.
Officials do not use tokens: their work needs the session with a verified second factor
(``permissions.IsOfficial``), so a personal token of a user who must use two-factor is refused.

The credential used is put into the request context, so that every audit event written while
serving the request names it (``audit.chain.audit_record``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import OfficialPosition
from approvals.models.api import (
    CLIENT_TOKEN_PREFIX,
    PERSONAL_TOKEN_PREFIX,
    ApiClient,
    PersonalToken,
    hash_token,
)
from portal import request_context

logger = logging.getLogger("portal.api")

# last_used_at is written at most this often per credential (no write on every request).
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class ClientPrincipal:
    """``request.user`` for a request of an API client: authenticated, but not a portal user, so
    it passes no applicant or official rule (they compare user ids)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    requires_second_factor = False
    pk = None
    id = None

    def __init__(self, client: ApiClient):
        self.client = client

    def __str__(self) -> str:
        return f"API client {self.client.name}"


def _remember_credential(label: str, user=None) -> None:
    from portal.logs import user_pseudonym

    request_context.remember(credential=label, user=user_pseudonym(getattr(user, "pk", None)))


def _touch(obj, now) -> None:
    if obj.last_used_at is None or now - obj.last_used_at > LAST_USED_PRECISION:
        type(obj).objects.filter(pk=obj.pk).update(last_used_at=now)


class BearerAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        now = timezone.now()
        if raw.startswith(PERSONAL_TOKEN_PREFIX):
            return self._personal(raw, now)
        if raw.startswith(CLIENT_TOKEN_PREFIX):
            return self._client(raw, now)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def _personal(self, raw: str, now):
        # Whether the user holds a position (and so must use two-factor) comes in the same
        # statement: a token request costs one read, not two.
        token = (
            PersonalToken.objects.select_related("user")
            .annotate(
                user_has_positions=Exists(
                    OfficialPosition.objects.filter(user_id=OuterRef("user_id"), is_active=True)
                )
            )
            .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token.user._has_positions = token.user_has_positions
        if token.user.requires_second_factor:
            logger.warning("personal token refused for a two-factor user=%s", token.user_id)
            raise exceptions.AuthenticationFailed(
                _("Officials use the signed-in session with two-factor, not tokens.")
            )
        _touch(token, now)
        _remember_credential(token.audit_label, token.user)
        return token.user, token

    def _client(self, raw: str, now):
        client = (
            ApiClient.objects.select_related("department")
            .filter(secret_hash=hash_token(raw), is_active=True)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        _touch(client, now)
        _remember_credential(client.audit_label)
        return ClientPrincipal(client), client

    def authenticate_header(self, request):
        return self.keyword


class PortalSessionAuthentication(authentication.SessionAuthentication):
    """The site's session, with CSRF on unsafe methods (DRF's own check)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            _remember_credential("session", result[0])
        return result
