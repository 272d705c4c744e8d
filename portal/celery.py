"""The Celery application.

Embedded default: kombu's filesystem transport under ``var/broker`` so that a fresh machine needs
no broker server. At scale, ``CELERY_BROKER_URL=redis://…`` (see README).
"""

import logging
import os
import time

from celery import Celery
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_process_init,
)

from portal import worker_health

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

# The project's own tasks; the apps' ``tasks`` modules are found by autodiscovery.
app = Celery("portal", include=["portal.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The current app in every thread (not only this one): ``shared_task`` and the services, which
# queue tasks by name (portal/queueing.py), resolve against it.
app.set_default()


@setup_logging.connect
def _keep_the_portals_logging(**kwargs) -> None:
    """Workers and beat log through the portal's LOGGING (JSON lines with the request id in
    production): with a receiver here, Celery leaves the root logger as Django configured it
    instead of putting its own plain-text handler on it."""


@worker_process_init.connect
def _warm_pdf_fonts(**kwargs) -> None:
    """Build the process's one FontConfiguration before the first PDF task needs it (scanning
    the CJK fonts takes about a second; every later render reuses it)."""
    from approvals.documents.rendering import font_configuration

    font_configuration()


# Heartbeats from every worker, and the publish time on every message (portal/worker_health.py).
worker_health.connect_signals()


# --- The request behind a task, in its log lines; one line and the figures per task ------------

task_logger = logging.getLogger("portal.task")
_running: dict[str, tuple] = {}


@before_task_publish.connect
def _carry_request(headers=None, **kwargs) -> None:
    """A task queued by a request (or by a task) carries that request's id and user."""
    from portal import request_context

    context = request_context.current()
    if headers is not None and context.request_id:
        headers["portal_request_id"] = context.request_id
        headers["portal_user"] = context.user


@task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs) -> None:
    from portal import request_context

    current = request_context.current()
    request = task.request
    # A worker makes the message's headers the request's attributes; ``apply`` keeps them apart.
    headers = getattr(request, "headers", None) or {}

    def carried(name: str) -> str:
        return getattr(request, name, None) or headers.get(name) or ""

    # Run eagerly (tests, ``apply``) without headers, a task keeps its caller's context.
    context = request_context.RequestContext(
        request_id=carried("portal_request_id") or current.request_id,
        user=carried("portal_user") or current.user,
    )
    _running[task_id] = (request_context.activate(context), time.perf_counter())


@task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs) -> None:
    from portal import instruments, request_context

    token, started = _running.pop(task_id, (None, None))
    seconds = time.perf_counter() - started if started is not None else 0.0
    failed = state not in ("SUCCESS", "RETRY", None)
    task_logger.info(
        "%s %s",
        task.name,
        state,
        extra={
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round(seconds * 1000, 1),
        },
    )
    instruments.observe_task(task.name, seconds, failed=failed)
    if token is not None:
        request_context.deactivate(token)
