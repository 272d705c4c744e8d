"""The test suite: fast hashing, in-memory email, tasks run where they are called."""

import os
import tempfile
from pathlib import Path

from portal.settings.base import *  # noqa: F403
from portal.settings.base import DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The test runner gives every xdist worker its own database; SQLite tests run in memory.
# ":memory:" rather than None: pytest-django recognises it and adds no xdist suffix, which it
# would otherwise do because the engine below is not Django's own sqlite3 path.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# Seals: a demo CA per test process (xdist workers run at once), created on first use.
SEAL_CERT_DIR = Path(tempfile.gettempdir()) / f"portal-test-seals-{os.getpid()}"
SEAL_DEMO_CA = True
MEDIA_ROOT = Path(os.environ.get("PORTAL_TEST_MEDIA_ROOT", str(VAR_DIR / "test-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Backends that can flush the append-only audit table between transactional tests.
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.sqlite3": "portal.test_backends.sqlite3",
    "django.db.backends.postgresql": "portal.test_backends.postgresql",
}[DATABASES["default"]["ENGINE"]]

# Django's live test server wraps a media handler that needs a URL prefix; the portal itself never
# serves media by URL (MEDIA_URL is None in the real settings).
MEDIA_URL = "/test-media-never-linked/"

# The webhook tests deliver to a receiver on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
