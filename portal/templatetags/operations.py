"""The admin index's worker status (portal/worker_health.py)."""

from django import template
from django.conf import settings

from portal.worker_health import worker_status

register = template.Library()


@register.simple_tag
def worker_queue_status(user) -> dict:
    """Per queue: workers with a fresh heartbeat, the oldest task's age, and the problems. Shown
    to staff only; names no worker host. Empty when tasks run in-process (tests)."""
    if not (user.is_active and user.is_staff):
        return {"visible": False}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"visible": False}
    try:
        queues = worker_status()
    except Exception:  # noqa: BLE001 - the broker is down: say so instead of failing the page
        return {"visible": True, "broker_down": True, "queues": []}
    return {"visible": True, "broker_down": False, "queues": queues}
