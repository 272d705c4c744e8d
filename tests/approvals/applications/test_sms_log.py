"""The console text-message backend logs that a message went out, never its secret parts."""

import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from approvals.services.applications import application_submit
from messaging.sms import ConsoleSMSBackend
from tests.approvals.applications.helpers import filled_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def web_log():
    """What the portal's configured console handler would write: the settings' own formatter on
    the root logger, at the configured level."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config = settings.LOGGING
    console = config["handlers"]["console"]
    handler.setFormatter(logging.Formatter(config["formatters"]["console"]["format"]))
    for name in console["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_the_query_code_and_the_number_stay_out_of_the_web_log(
    citizen, version, web_log, django_capture_on_commit_callbacks, settings
):
    # given the console backend and an applicant who reads Chinese
    settings.SMS_BACKEND = "messaging.sms.ConsoleSMSBackend"
    citizen.preferred_language = "zh-hans"
    citizen.save(update_fields=["preferred_language"])
    draft = filled_draft(actor=citizen, version=version)

    # when the application is submitted and its receipt goes out by SMS
    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(actor=citizen, application=draft, idempotency_key="k")

    # then the log says an SMS was sent to a masked number, and nothing else of it
    output = web_log.getvalue()
    assert "portal.sms" in output and "SMS sent to" in output
    assert "查询码为" not in output
    assert submitted.query_code not in output
    assert citizen.mobile not in output
    assert citizen.mobile[-4:] in output


def test_the_console_backend_logs_neither_text_nor_full_number(web_log):
    ConsoleSMSBackend().send("+85291234567", "您的查询码为246810。请勿告知他人。")

    output = web_log.getvalue()
    assert "SMS sent to" in output
    assert "246810" not in output and "查询码" not in output
    assert "91234567" not in output
