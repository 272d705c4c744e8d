"""``/metrics`` in Prometheus' text format, for the addresses in ``METRICS_ALLOWED_IPS`` only.

Two kinds of figures:

- What processes measure as they work: request latency by route (``AccessLogMiddleware``), task
  durations and failures by task (``portal.celery``), PDF render time. With several processes on
  a machine (gunicorn workers, Celery workers), ``PROMETHEUS_MULTIPROC_DIR`` names a folder they
  all write to (prometheus-client's multiprocess mode) and any web process reports them all.
- What the portal's own data says, read when scraped, each from an index or a kept count: open
  tasks by SLA light and department (the open-task ledger), yellow and red cards, deemed
  acceptances, audit events since the last signed checkpoint and its age, days of working-day
  calendar left, the depth of each Celery queue and the workers with a fresh heartbeat on it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from portal import instruments  # noqa: F401 (the figures processes record, registered here too)
from portal.request_context import client_ip

logger = logging.getLogger("portal.metrics")

# --- What the data says -------------------------------------------------------------------------


def _gauge(name: str, documentation: str, labels=(), rows=()) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=list(labels) or None)
    for *values, value in rows:
        if labels:
            family.add_metric([str(v) for v in values], value)
        else:
            family.add_metric([], value)
    return family


def queue_depth(queue: str) -> int:
    """Messages waiting in ``queue`` on the configured broker."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        if not folder.is_dir():
            return 0
        return sum(1 for name in os.listdir(folder) if name.endswith(f".{queue}.msg"))
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2)
        try:
            return int(client.llen(queue))
        finally:
            client.close()
    raise ValueError(f"no queue depth for broker {url.split(':', 1)[0]}")


class PortalCollector:
    """The figures read from the portal's data at each scrape."""

    def collect(self):
        from django.db.models import Count, Sum
        from django.utils import timezone

        from accounts.models import Department
        from approvals.domain.china_time import china_today
        from approvals.models import Application, CalendarYear, OpenTaskCount, SupervisionCard
        from approvals.selectors.supervision import LIGHTS, ledger_light_sums
        from audit.models import AuditChainHead, AuditCheckpoint, AuditEvent

        codes = dict(Department.objects.values_list("pk", "code"))

        def by_department(rows, label: str) -> list[tuple]:
            """(department code, the row's ``label`` value, count) for each non-empty row."""
            return [
                (codes.get(row["department_id"], row["department_id"]), row[label] or "none", n)
                for row in rows
                if (n := row["n"])
            ]

        # The lights are sums of the ledger over their bands of due dates; "none": no due date yet,
        # or one past the calendar.
        per_department = OpenTaskCount.objects.values("department_id").annotate(
            n=Sum("tasks"), **ledger_light_sums(china_today())
        )
        open_tasks = []
        for row in per_department.order_by():
            lit = sum(row[light] for light in LIGHTS)
            for light, n in (*((light, row[light]) for light in LIGHTS), ("", row["n"] - lit)):
                open_tasks.append({"department_id": row["department_id"], "light": light, "n": n})
        yield _gauge(
            "portal_open_tasks",
            "Open review tasks by department and SLA light.",
            ["department", "light"],
            by_department(open_tasks, "light"),
        )
        cards = SupervisionCard.objects.values("department_id", "colour").annotate(n=Count("pk"))
        yield _gauge(
            "portal_cards",
            "Yellow and red supervision cards raised, by department and colour.",
            ["department", "colour"],
            by_department(cards.order_by(), "colour"),
        )
        yield _gauge(
            "portal_deemed_acceptances",
            "Applications deemed accepted because the window did not decide in time (Art. 32).",
            rows=[(Application.objects.filter(deemed_accepted=True).count(),)],
        )
        head = AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0
        signed = AuditCheckpoint.objects.order_by("-sequence").values("sequence", "created_at")
        signed = signed.first() or {"sequence": 0, "created_at": None}
        yield _gauge(
            "portal_audit_events_since_checkpoint",
            "Audit events written since the last signed checkpoint (all of them if none).",
            rows=[(head - signed["sequence"],)],
        )
        # Beat signs one a day: an age past a day means a checkpoint was missed. With none yet,
        # the chain has gone unsigned since its first event.
        since = signed["created_at"] or (
            AuditEvent.objects.order_by("sequence").values_list("occurred_at", flat=True).first()
        )
        yield _gauge(
            "portal_audit_checkpoint_age_seconds",
            "Seconds since the last signed audit checkpoint (with none: since the first event).",
            rows=[(max(0.0, (timezone.now() - since).total_seconds()) if since else 0.0,)],
        )
        last_year = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
        today = china_today()
        left = (dt.date(last_year, 12, 31) - today).days if last_year else 0
        yield _gauge(
            "portal_calendar_days_left",
            "Days until the working-day calendar's last official year ends.",
            rows=[(max(left, 0),)],
        )
        yield from _worker_figures()
        from portal.worker_health import expected_queues

        depths = []
        for queue in expected_queues():
            try:
                depths.append((queue, queue_depth(queue)))
            except Exception:  # a broker that cannot be read has no depth
                logger.warning("the depth of queue %s could not be read", queue, exc_info=True)
        yield _gauge(
            "portal_queue_depth", "Messages waiting in each Celery queue.", ["queue"], depths
        )


def _worker_figures():
    """Per queue, the age of the freshest worker heartbeat (it grows when every worker of the
    queue died or froze) and of the oldest waiting task; per worker, its heartbeat's age."""
    from django.utils import timezone

    from approvals.models import WorkerHeartbeat
    from portal.worker_health import expected_queues, oldest_message_ages

    now = timezone.now()
    queues = expected_queues()
    freshest: dict[str, float] = {}
    seen_by_queue: dict[str, list] = {}
    workers = []
    for heartbeat in WorkerHeartbeat.objects.all():
        age = max(0.0, (now - heartbeat.last_seen).total_seconds())
        workers.append((heartbeat.hostname, age))
        for queue in filter(None, heartbeat.queues.split(",")):
            freshest[queue] = min(age, freshest.get(queue, age))
            seen_by_queue.setdefault(queue, []).append(heartbeat.last_seen)
    yield _gauge(
        "portal_worker_heartbeat_age_seconds",
        "Seconds since each Celery worker's last heartbeat.",
        ["worker"],
        workers,
    )
    # Every expected queue, with 0 when no worker serving it beat recently: a stopped worker
    # removes its row, a killed one leaves a row that goes stale; both count 0 here.
    fresh_after = now - dt.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    yield _gauge(
        "portal_queue_workers",
        "Workers serving each queue whose heartbeat is fresh (WORKER_HEARTBEAT_STALE_SECONDS).",
        ["queue"],
        [
            (queue, sum(1 for seen in seen_by_queue.get(queue, []) if seen >= fresh_after))
            for queue in queues
        ],
    )
    # A queue no worker ever served has no age to give: absent, which alert rules treat as such.
    yield _gauge(
        "portal_queue_heartbeat_age_seconds",
        "Seconds since the freshest heartbeat of a worker serving each queue.",
        ["queue"],
        [(queue, freshest[queue]) for queue in queues if queue in freshest],
    )
    try:
        ages = oldest_message_ages(queues)
    except Exception:  # a broker that cannot be read: the depth figure says so too
        logger.warning("the age of the queues' oldest tasks could not be read", exc_info=True)
        ages = {}
    yield _gauge(
        "portal_queue_oldest_task_seconds",
        "Seconds the oldest task of each queue has waited (0 for an empty queue).",
        ["queue"],
        [(queue, ages.get(queue, 0.0)) for queue in queues],
    )


def _allowed(request) -> bool:
    address = client_ip(request)
    if address is None:
        return False
    address = ipaddress.ip_address(address)
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request):
    """The figures, for an allowed address; 404 for anyone else (nothing said about why)."""
    if not _allowed(request):
        raise Http404
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        measured = CollectorRegistry()
        multiprocess.MultiProcessCollector(measured)
    else:
        measured = REGISTRY
    data = CollectorRegistry()
    data.register(PortalCollector())
    body = generate_latest(measured) + generate_latest(data)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
