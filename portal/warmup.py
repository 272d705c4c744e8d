"""What a web worker would otherwise pay on its first requests, paid when it starts.

Django loads lazily: the URLconf (and with it every view module, the API and its schema) on the
first request, each template the first time it is rendered (the cached loader keeps it for the
process afterwards), each language's translation catalogue the first time it is activated, and
the working-day calendar on its first use. Measured on the reviewer's queue (10k applications,
one process): the first request took 1.3–1.8 s, the following ones ~0.1 s; importing the URLconf
and compiling the page's templates were most of the difference. Behind a load balancer with
several gunicorn workers that cost lands on the first users of every worker, after each deploy
or worker restart (``max_requests``). ``portal/wsgi.py`` calls ``warm_up()`` once per process,
before the worker takes requests; each step that fails is logged and skipped, never fatal.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.template import engines
from django.template.exceptions import TemplateDoesNotExist, TemplateSyntaxError
from django.urls import get_resolver
from django.utils import translation

from approvals.models.working_calendar import working_calendar

logger = logging.getLogger("portal.warmup")

TEMPLATE_SUFFIXES = (".html", ".txt")


def _url_patterns() -> int:
    """Import the URLconf and every module it names; build the reverse look-up tables."""
    resolver = get_resolver()
    resolver.reverse_dict  # noqa: B018 (computing it is the point)
    return len(resolver.url_patterns)


def _translations() -> int:
    """Load the translation catalogue of every language the site speaks."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    return len(settings.LANGUAGES)


def project_template_names() -> list[str]:
    """The names of the project's own templates (the ``DIRS`` of each template engine)."""
    names = []
    for config in settings.TEMPLATES:
        for directory in config.get("DIRS", []):
            root = Path(directory)
            names += sorted(
                str(path.relative_to(root))
                for path in root.rglob("*")
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
            )
    return names


def _templates() -> int:
    """Compile the project's templates into each engine's cached loader (in production; with
    ``DEBUG`` there is no cache and this only checks that they compile)."""
    compiled = 0
    for name in project_template_names():
        for engine in engines.all():
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # a fragment for another engine, or not a template at all
            compiled += 1
    return compiled


def _calendar() -> int:
    """Read the working-day calendar into the process's cache (due dates and lights use it)."""
    return 1 if working_calendar() is not None else 0


STEPS = (
    ("urls", _url_patterns),
    ("translations", _translations),
    ("templates", _templates),
    ("calendar", _calendar),
)


def warm_up() -> dict[str, float]:
    """Run every step; the milliseconds each took (a step that failed is left out)."""
    timings: dict[str, float] = {}
    for name, step in STEPS:
        started = time.perf_counter()
        try:
            step()
        except Exception:  # a worker that could not warm up still serves, only slower at first
            logger.exception("warm-up step %s failed", name)
            continue
        timings[name] = round((time.perf_counter() - started) * 1000, 1)
    # The calendar's read opened a connection: closed, so that a server that forks after loading
    # the application (gunicorn's preload_app) never shares one between workers.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # (a test's transaction stays open)
            connection.close()
    logger.info("worker warmed up: %s", timings)
    return timings
