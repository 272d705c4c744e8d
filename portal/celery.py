"""The Celery application.

Embedded default: kombu's filesystem transport under ``var/broker`` so that a fresh machine needs
no broker server. At scale, ``CELERY_BROKER_URL=redis://…`` (see README).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

# The project's own tasks; the apps' ``tasks`` modules are found by autodiscovery.
app = Celery("portal", include=["portal.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
