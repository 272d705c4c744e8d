"""The liveness and readiness probes that load balancers and orchestrators call."""

from pathlib import Path

import pytest
from django.db import OperationalError, connections

from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(monkeypatch):
    """Points the Celery app at another broker for one test, then restores it.

    Celery prefers the ``CELERY_BROKER_URL`` environment variable over its configuration, so both
    are set (CI sets the variable for the Redis run).
    """
    saved = {
        "broker_url": celery_app.conf.broker_url,
        "broker_transport_options": celery_app.conf.broker_transport_options,
    }

    def use(url: str, transport_options: dict | None = None) -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.broker_url = url
        celery_app.conf.broker_transport_options = transport_options or {}

    yield use
    celery_app.conf.update(saved)


@pytest.fixture
def configured_broker_folders():
    """The embedded broker's folders exist, as `make run` creates them."""
    options = celery_app.conf.broker_transport_options
    for key in ("data_folder_in", "data_folder_out"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_when_database_and_broker_answer(client, configured_broker_folders):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checked": ["database", "broker"]}


def test_readyz_names_the_broker_when_it_is_unreachable(client, broker):
    broker("redis://:s3cret-word@127.0.0.1:1/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["broker"]}
    assert b"s3cret-word" not in response.content
    assert b"127.0.0.1" not in response.content


def test_readyz_names_the_broker_when_its_folder_is_missing(client, broker, tmp_path):
    missing = tmp_path / "no-such-folder"
    broker(
        "filesystem://",
        {"data_folder_in": str(missing), "data_folder_out": str(missing)},
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert str(missing).encode() not in response.content


def test_readyz_names_the_database_when_it_fails(client, monkeypatch, configured_broker_folders):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed: password=hunter2')

    monkeypatch.setattr(connections["default"], "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["database"]}
    assert b"db.internal" not in response.content
    assert b"hunter2" not in response.content


def test_probes_accept_only_get(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
