"""The installation's own state: the Celery workers' heartbeats (portal/worker_health.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per Celery worker, rewritten every few seconds by a thread of its main process,
    independent of beat. ``oldest_waiting_since`` is when the oldest task the worker received but
    has not started arrived: a pool that cannot start work shows here while the worker still beats.
    """

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    queues = models.CharField(_("queues"), max_length=500, blank=True)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"))
    oldest_waiting_since = models.DateTimeField(_("oldest waiting task since"), null=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname
