"""What processes measure as they work, for ``/metrics`` (``portal/metrics.py``): request latency
by route (``AccessLogMiddleware``), task durations and failures by task (``portal.celery``), PDF
render time (``approvals.tasks``). Below every app: it imports none of them, so that any module
may record a figure."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "portal_request_duration_seconds",
    "Time to answer a request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10),
)
TASK_SECONDS = Histogram(
    "portal_task_duration_seconds",
    "Time a Celery task ran, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
TASK_FAILURES = Counter(
    "portal_task_failures_total", "Celery tasks that ended in failure, by task.", ["task"]
)
PDF_RENDER_SECONDS = Histogram(
    "portal_pdf_render_seconds",
    "Time to render and seal one document.",
    buckets=(0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10),
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(seconds)


def observe_task(task: str, seconds: float, *, failed: bool) -> None:
    TASK_SECONDS.labels(task).observe(seconds)
    if failed:
        TASK_FAILURES.labels(task).inc()
