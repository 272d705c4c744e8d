"""Liveness and readiness probes for load balancers and orchestrators."""

import logging
import os

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.celery import app as celery_app
from portal.worker_health import worker_status

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


def _queue_report() -> tuple[dict, list[str]]:
    """Per queue: fresh workers and the oldest task's age; and the queues with a problem."""
    report, failed = {}, []
    with translation.override("en"):  # for machines and operators' logs, whatever the request
        statuses = worker_status()
    for status in statuses:
        report[status.name] = {
            "workers": status.fresh_workers,
            "oldest_task_seconds": status.oldest_message_seconds,
            "problems": status.problems,
        }
        if status.problems:
            failed.append(f"queue:{status.name}")
            logger.error("readiness check failed: queue %s: %s", status.name, status.problems)
    return report, failed


@never_cache
@require_GET
def readyz(request):
    """Database and broker reachable, and (unless tasks run in-process) a worker with a fresh
    heartbeat on every queue, none stuck, no task waiting too long; otherwise 503 naming the part
    that failed."""
    failures = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        error = check()
        if error:
            failures[name] = error
            logger.error("readiness check failed: %s: %s", name, error)
    body: dict = {}
    if not failures and not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            body["queues"], failed_queues = _queue_report()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            failed_queues = ["workers"]
            logger.error("readiness check failed: workers: %s: %s", type(exc).__name__, exc)
        failures.update(dict.fromkeys(failed_queues, "see the log"))
    if failures:
        # Name the failed part, but keep error details (hosts, credentials) in the server log.
        body = {"status": "unavailable", "failed": sorted(failures), **body}
        return JsonResponse(body, status=503)
    checked = ["database", "broker"] + (["workers"] if "queues" in body else [])
    return JsonResponse({"status": "ok", "checked": checked, **body})
