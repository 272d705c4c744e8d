"""Liveness and readiness probes for load balancers and orchestrators."""

import logging
import os

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
            # One quick retry: a probe must answer well within the load balancer's timeout.
            connection.ensure_connection(max_retries=1, interval_start=0.5, timeout=2)
            if connection.transport.driver_type == "filesystem":
                _check_broker_folders(connection.transport_options)
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"
    return None


def _check_broker_folders(options: dict) -> None:
    """The filesystem transport "connects" to anything; its folders are what must be there."""
    for key, default in (("data_folder_in", "data_in"), ("data_folder_out", "data_out")):
        folder = options.get(key, default)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OSError(f"broker folder {key} ({folder}) is missing or not writable")


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
