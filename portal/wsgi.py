import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

application = get_wsgi_application()

# Before the worker serves: what its first requests would otherwise pay (portal/warmup.py).
from portal.warmup import warm_up  # noqa: E402 (needs the application's setup above)

warm_up()
