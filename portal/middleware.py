"""Project-wide middleware."""

import ipaddress
import json
import re
import uuid

from django.conf import settings
from django.http import HttpResponse

from portal import request_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request) -> str | None:
    """The client's address: from the trusted proxy's header when one is configured, else the peer.

    A header is only believed when ``TRUSTED_PROXY_IP_HEADER`` names it, because clients can send
    any header they like.
    """
    candidate = None
    header = settings.TRUSTED_PROXY_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        addresses = [part.strip() for part in request.META.get(meta_key, "").split(",")]
        addresses = [address for address in addresses if address]
        # Each proxy appends the address it received the request from, on the right; anything
        # further left came from the client and may be forged. So the client is the entry that
        # the outermost of our TRUSTED_PROXY_COUNT proxies (at least the one) appended.
        proxies = max(settings.TRUSTED_PROXY_COUNT, 1)
        if addresses:
            candidate = addresses[-proxies] if len(addresses) >= proxies else addresses[0]
    candidate = candidate or request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


class RequestContextMiddleware:
    """Gives every request an id (kept from a valid ``X-Request-ID``) and records its client IP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_context.activate(
            request_context.RequestContext(request_id=request_id, client_ip=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response


class RequestSizeLimitMiddleware:
    """Refuses (413) a request whose declared body is larger than ``MAX_REQUEST_BYTES``, before
    anything reads it: otherwise the CSRF check would first spool an upload of any size to disk,
    even on public forms (document verification)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return _too_large(request)
        return self.get_response(request)


def _too_large(request) -> HttpResponse:
    from django.utils.translation import gettext

    limit = settings.MAX_REQUEST_BYTES // (1024 * 1024)
    detail = gettext("The request is larger than %(size)s MB, the most this portal accepts.") % {
        "size": limit
    }
    if request.path.startswith("/api/"):
        body = json.dumps(
            {"type": "about:blank", "title": "Content Too Large", "status": 413, "detail": detail},
            ensure_ascii=False,
        )
        return HttpResponse(body, status=413, content_type="application/problem+json")
    return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``): the browser features no
    page of the portal uses are switched off, for the portal and for anything embedded in it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
