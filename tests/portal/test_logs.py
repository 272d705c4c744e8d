"""Log lines operators can use: one JSON object a line with the request id and a pseudonymous
user, a line per request and per task (the task's carrying the id of the request that queued it),
and no personal data."""

import io
import json
import logging

import pytest
from celery import shared_task
from django.utils.module_loading import import_string

from portal import request_context
from portal.celery import _carry_request
from portal.logs import user_pseudonym
from portal.settings.base import logging_config
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the production handler writes, as parsed JSON objects (a callable: read so far)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config = logging_config("json")
    handler.setFormatter(import_string(config["formatters"]["json"]["()"])())
    for name in config["handlers"]["console"]["filters"]:  # the filters production's handler has
        handler.addFilter(import_string(config["filters"][name]["()"])())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@shared_task(name="tests.portal.test_logs.say_hello")
def say_hello():
    logging.getLogger("portal.test").info("hello from the task")


def test_a_request_writes_one_json_line_with_its_route_status_time_and_statements(
    client, json_lines
):
    response = client.get("/healthz")

    [line] = [line for line in json_lines() if line["logger"] == "portal.access"]
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["route"], line["method"], line["status"]) == ("healthz", "GET", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert isinstance(line["sql"], int)
    assert {"time", "level", "user"} <= set(line)


def test_the_user_is_named_by_a_pseudonym_never_by_id_or_name(verified_client_factory, json_lines):
    person = PersonFactory(real_name="王芳")
    client = verified_client_factory(person.user)

    client.get("/applications/")

    [line] = [line for line in json_lines() if line["logger"] == "portal.access"]
    assert line["user"] == user_pseudonym(person.user.pk)
    assert line["user"] != str(person.user.pk)
    text = json.dumps(line, ensure_ascii=False)
    assert person.user.email not in text and "王芳" not in text


def test_a_task_line_carries_the_request_that_queued_it(json_lines):
    # given a task published from inside a request
    token = request_context.activate(
        request_context.RequestContext(request_id="req-0123456789", user="u-abc")
    )
    try:
        headers: dict = {}
        _carry_request(headers=headers)
    finally:
        request_context.deactivate(token)
    assert headers == {"portal_request_id": "req-0123456789", "portal_user": "u-abc"}

    # when a worker runs it, outside any request, with those headers
    say_hello.apply(headers=headers)

    # then its own lines and its summary line carry the request's id and user
    lines = json_lines()
    said = next(line for line in lines if line["message"] == "hello from the task")
    [summary] = [line for line in lines if line["logger"] == "portal.task"]
    assert said["request_id"] == summary["request_id"] == "req-0123456789"
    assert summary["user"] == "u-abc"
    assert summary["task"] == "tests.portal.test_logs.say_hello"
    assert summary["state"] == "SUCCESS"
    assert summary["duration_ms"] >= 0


def test_personal_data_never_reaches_a_line(client, json_lines):
    # given lines that mention a mobile number, an ID number and an e-mail address, in the
    # message, its arguments and the extra fields
    log = logging.getLogger("portal.test")
    log.warning("sign-in failed for %s", "13800138000")
    log.warning("person 11010519491231002X", extra={"contact": "wang.fang@example.cn"})
    client.post("/accounts/login/", {"username": "13912345678", "password": "wrong"})

    text = json.dumps(json_lines(), ensure_ascii=False)
    for personal in ("13800138000", "11010519491231002X", "wang.fang@example.cn", "13912345678"):
        assert personal not in text
    assert "[mobile]" in text and "[id]" in text and "[email]" in text


def test_celery_keeps_the_portals_log_handlers():
    # given the portal's root handler (JSON lines in production)
    import logging

    from portal.celery import app

    root = logging.getLogger()
    handlers = list(root.handlers)

    # when a worker sets up its logging, as `celery worker` and `celery beat` do at start
    app.log.setup(loglevel="INFO")

    # then the root logger still writes through the portal's handlers only
    assert root.handlers == handlers
    assert any(type(handler).__name__ == "StderrHandler" for handler in handlers)
