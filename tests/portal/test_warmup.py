"""A web worker pays for its lazy loading when it starts, not on its first users' requests."""

import importlib
import logging
import sys

import pytest
from django.template import engines
from django.urls import get_resolver

from portal import warmup


def _cached_template_names() -> set[str]:
    loader = engines["django"].engine.template_loaders[0]
    return {key.split("-")[0] for key in loader.get_template_cache}


@pytest.mark.django_db
def test_warming_up_loads_the_urls_and_compiles_every_project_template():
    engines["django"].engine.template_loaders[0].reset()

    timings = warmup.warm_up()

    assert set(timings) == {"urls", "translations", "templates", "calendar"}
    assert get_resolver()._populated
    names = warmup.project_template_names()
    assert {"base.html", "approvals/work/queue.html"} <= set(names)
    assert set(names) <= _cached_template_names()


@pytest.mark.django_db
def test_a_step_that_fails_is_logged_and_the_others_still_run(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no database yet")

    monkeypatch.setattr(warmup, "STEPS", (("calendar", broken), *warmup.STEPS[:1]))

    with caplog.at_level(logging.ERROR, logger="portal.warmup"):
        timings = warmup.warm_up()

    assert set(timings) == {"urls"}
    assert "warm-up step calendar failed" in caplog.text


def test_the_wsgi_application_warms_up_before_it_serves(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append("warmed"))
    monkeypatch.delitem(sys.modules, "portal.wsgi", raising=False)

    importlib.import_module("portal.wsgi")

    assert calls == ["warmed"]
