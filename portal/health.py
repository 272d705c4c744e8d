"""Liveness and readiness probes for load balancers and orchestrators."""

import logging

from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.celery import app as celery_app

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process answers. Touches nothing else, so it stays cheap under load."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return f"{type(exc).__name__}: {exc}"
    return None


def _check_broker() -> str | None:
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return None


@never_cache
@require_GET
def readyz(request):
    """Database and broker reachable; otherwise 503 naming the part that failed."""
    failures = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        error = check()
        if error:
            failures[name] = error
            logger.error("readiness check failed: %s: %s", name, error)
    if failures:
        # Name the failed part, but keep error details (hosts, credentials) in the server log.
        return JsonResponse({"status": "unavailable", "failed": sorted(failures)}, status=503)
    return JsonResponse({"status": "ok", "checked": ["database", "broker"]})
