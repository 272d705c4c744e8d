"""The Celery application.

Embedded default: kombu's filesystem transport under ``var/broker`` so that a fresh machine needs
no broker server. At scale, ``CELERY_BROKER_URL=redis://…`` (see README).
"""

import os

from celery import Celery
from celery.signals import worker_process_init

from portal import worker_health

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

# The project's own tasks; the apps' ``tasks`` modules are found by autodiscovery.
app = Celery("portal", include=["portal.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_pdf_fonts(**kwargs) -> None:
    """Build the process's one FontConfiguration before the first PDF task needs it (scanning
    the CJK fonts takes about a second; every later render reuses it)."""
    from approvals.documents.rendering import font_configuration

    font_configuration()


# Heartbeats from every worker, and the publish time on every message (portal/worker_health.py).
worker_health.connect_signals()
