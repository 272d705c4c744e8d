"""The Celery application.

Embedded default: kombu's filesystem transport under ``var/broker`` so that a fresh machine needs
no broker server. At scale, ``CELERY_BROKER_URL=redis://…`` (see README).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
