"""Whether the Celery workers are working: heartbeats, stuck pools and waiting queues.

Every worker's main process runs a thread (started when the worker is ready, independent of beat)
that rewrites the worker's ``WorkerHeartbeat`` row every ``WORKER_HEARTBEAT_SECONDS``, with the
arrival time of the oldest task it received but has not started. ``/readyz`` and the admin index
read :func:`worker_status`: a queue without a worker whose heartbeat is fresh, a worker whose pool
has not started a received task for ``WORKER_STUCK_SECONDS``, and a queue whose oldest message has
waited longer than ``QUEUE_MAX_WAIT_SECONDS`` are problems, each naming the queue.

The age of the oldest queued message comes from the broker: the file's time for kombu's
filesystem transport, the ``portal_sent_at`` header (set on every message this portal publishes)
for Redis.
"""

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("portal.worker_health")

SENT_AT_HEADER = "portal_sent_at"


# --- In the worker ------------------------------------------------------------------------------


class Heartbeat:
    """The thread that keeps one worker's row fresh."""

    def __init__(self, hostname: str, queues: list[str]):
        self.hostname = hostname
        self.queues = ",".join(sorted(queues))
        self.started_at = timezone.now()
        self.received_at: dict[str, datetime] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="portal-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        from approvals.models import WorkerHeartbeat

        try:
            WorkerHeartbeat.objects.filter(hostname=self.hostname).delete()
        finally:
            close_old_connections()

    def oldest_waiting_since(self) -> datetime | None:
        """When the oldest received, not yet started task arrived (None when there is none)."""
        from celery.worker import state

        active = {request.id for request in state.active_requests}
        waiting = {request.id for request in state.reserved_requests} - active
        for task_id in set(self.received_at) - waiting:
            self.received_at.pop(task_id, None)
        return min((self.received_at[t] for t in waiting if t in self.received_at), default=None)

    def beat(self) -> None:
        from approvals.models import WorkerHeartbeat

        WorkerHeartbeat.objects.update_or_create(
            hostname=self.hostname,
            defaults={
                "queues": self.queues,
                "pid": os.getpid(),
                "started_at": self.started_at,
                "last_seen": timezone.now(),
                "oldest_waiting_since": self.oldest_waiting_since(),
            },
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat()
            except Exception:  # the next beat tries again; meanwhile the row goes stale
                logger.exception("worker heartbeat failed")
            finally:
                close_old_connections()
            self._stop.wait(settings.WORKER_HEARTBEAT_SECONDS)


# --- Reading it ---------------------------------------------------------------------------------


@dataclass
class QueueStatus:
    name: str
    fresh_workers: int = 0
    oldest_message_seconds: float | None = None
    problems: list[str] = field(default_factory=list)


def expected_queues() -> list[str]:
    """The queues some worker must serve: the default one and every routed one."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values() if "queue" in route}
    return sorted({"celery", *routed})


def worker_status(*, now: datetime | None = None) -> list[QueueStatus]:
    """Per expected queue: fresh workers, the oldest message's age, and the problems."""
    from approvals.models import WorkerHeartbeat

    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    stuck_before = now - timedelta(seconds=settings.WORKER_STUCK_SECONDS)
    statuses = {name: QueueStatus(name) for name in expected_queues()}
    for heartbeat in WorkerHeartbeat.objects.all():
        for name in filter(None, heartbeat.queues.split(",")):
            status = statuses.get(name)
            if status is None or heartbeat.last_seen < stale_before:
                continue
            status.fresh_workers += 1
            waiting = heartbeat.oldest_waiting_since
            if waiting is not None and waiting < stuck_before:
                seconds = int((now - waiting).total_seconds())
                status.problems.append(
                    _("a worker has not started a task received %(seconds)s s ago")
                    % {"seconds": seconds}
                )
    ages = oldest_message_ages(list(statuses))
    for status in statuses.values():
        if not status.fresh_workers:
            status.problems.insert(0, _("no worker with a fresh heartbeat"))
        status.oldest_message_seconds = ages.get(status.name)
        age = status.oldest_message_seconds
        if age is not None and age > settings.QUEUE_MAX_WAIT_SECONDS:
            status.problems.append(
                _("the oldest task has waited %(seconds)s s") % {"seconds": int(age)}
            )
    return list(statuses.values())


def oldest_message_ages(queues: list[str]) -> dict[str, float]:
    """Seconds the oldest message of each queue has waited in the broker (absent: empty queue
    or a broker that cannot tell)."""
    ages: dict[str, float] = {}
    now = time.time()
    with current_app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0.5, timeout=2)
        driver = connection.transport.driver_type
        if driver == "filesystem":
            folder = Path(connection.transport_options.get("data_folder_in", "data_in"))
            for name in queues:
                times = [path.stat().st_mtime for path in folder.glob(f"*.{name}.msg")]
                if times:
                    ages[name] = max(0.0, now - min(times))
        elif driver == "redis":
            client = connection.default_channel.client
            for name in queues:
                oldest = client.lindex(name, -1)  # LPUSH in, BRPOP out: the right end is oldest
                sent_at = _sent_at(oldest) if oldest else None
                if sent_at is not None:
                    ages[name] = max(0.0, now - sent_at)
    return ages


def _sent_at(raw: bytes) -> float | None:
    try:
        value = json.loads(raw)["headers"].get(SENT_AT_HEADER)
        return float(value) if value is not None else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


# --- Signals ------------------------------------------------------------------------------------


def connect_signals() -> None:
    from celery.signals import before_task_publish, task_received, worker_ready, worker_shutdown

    heartbeats: dict[str, Heartbeat] = {}

    @before_task_publish.connect(weak=False)
    def _stamp(headers=None, **kwargs) -> None:
        if headers is not None:
            headers.setdefault(SENT_AT_HEADER, time.time())

    @worker_ready.connect(weak=False)
    def _start(sender=None, **kwargs) -> None:
        queues = [queue.name for queue in sender.app.amqp.queues.consume_from.values()]
        heartbeat = Heartbeat(sender.hostname, queues)
        heartbeats["current"] = heartbeat
        heartbeat.start()

    @task_received.connect(weak=False)
    def _received(request=None, **kwargs) -> None:
        heartbeat = heartbeats.get("current")
        if heartbeat is not None and request is not None:
            heartbeat.received_at.setdefault(request.id, timezone.now())

    @worker_shutdown.connect(weak=False)
    def _stop(**kwargs) -> None:
        heartbeat = heartbeats.pop("current", None)
        if heartbeat is not None:
            heartbeat.stop()
