"""Throttling per portal user, per API client and per anonymous address (rates in settings,
``API_THROTTLE_*`` environment variables)."""

from rest_framework.throttling import SimpleRateThrottle

from approvals.models.api import ApiClient
from portal.request_context import client_ip


class _PortalThrottle(SimpleRateThrottle):
    """A caller's address as the rest of the portal reads it: a forwarding header only when
    ``TRUSTED_PROXY_IP_HEADER`` names it (DRF's own reads X-Forwarded-For, which anyone can
    send to get a fresh budget on every request)."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class AnonymousThrottle(_PortalThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserThrottle(_PortalThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ClientThrottle(_PortalThrottle):
    scope = "client"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
