"""Project-wide middleware."""

import json
import logging
import re
import time
import uuid

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils.functional import empty

from portal import instruments, request_context
from portal.logs import user_pseudonym
from portal.request_context import client_ip

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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
        reads = request_context.begin_read_once() if request.method in ("GET", "HEAD") else None
        try:
            response = self.get_response(request)
        finally:
            if reads is not None:
                request_context.end_read_once(reads)
            request_context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response


access_logger = logging.getLogger("portal.access")


class _StatementCounter:
    """A database execute wrapper that counts the statements a request runs."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _route(request) -> str:
    """The route's name (``approvals:application_detail``), never the path: paths carry tracking
    numbers and codes."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or match.route or "unnamed"


class AccessLogMiddleware:
    """One line per request (logger ``portal.access``): route, method, status, duration, SQL
    statements, the credential and the pseudonymous user; and the request's latency for
    ``/metrics``. Right after ``RequestContextMiddleware``, so that it times all the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        statements = _StatementCounter()
        with connection.execute_wrapper(statements):
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = _route(request)
        context = request_context.current()
        access_logger.info(
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={
                "route": route,
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "sql": statements.count,
                "credential": context.credential,
                "user": context.user or _user_if_known(request),
            },
        )
        instruments.observe_request(route, request.method, response.status_code, seconds)
        return response


def _user_if_known(request) -> str:
    """The signed-in user's pseudonym if the request looked them up (never a query of its own)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return ""
    return user_pseudonym(user.pk) if user.is_authenticated else ""


class RequestUserMiddleware:
    """Names the signed-in user (pseudonymously) in the request's context, for every log line and
    task the request writes or queues. After the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request_context.remember(user=user_pseudonym(user.pk))
        return self.get_response(request)


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
