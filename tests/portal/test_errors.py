"""Unhandled errors reach someone — the ADMINS by mail, a Sentry-compatible service when
configured — without the personal data the failing request carried."""

import logging

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from portal.errors import init_sentry, scrub_event

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
MOBILE = "13800138000"


def broken(request):
    raise RuntimeError(f"could not file for {request.POST.get('id_number')} / {MOBILE}")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("broken/", broken), path("fine/", fine)]


@pytest.mark.urls("tests.portal.test_errors")
def test_an_unhandled_error_is_mailed_to_the_admins_without_personal_data(settings):
    settings.ADMINS = [("Operations", "ops@example.gov.cn")]
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    logging.getLogger("django.request")  # configured by settings.LOGGING

    response = client.post("/broken/", {"id_number": ID_NUMBER, "address": "福州市鼓楼区1号"})

    assert response.status_code == 500
    [message] = mail.outbox
    assert message.to == ["ops@example.gov.cn"]
    assert "RuntimeError" in message.subject + message.body
    text = message.subject + message.body
    assert ID_NUMBER not in text and MOBILE not in text and "福州市鼓楼区1号" not in text


def test_a_sentry_event_carries_no_personal_data():
    event = {
        "exception": {"values": [{"type": "RuntimeError", "value": f"failed for {ID_NUMBER}"}]},
        "request": {"url": "/x/", "data": {"id_number": ID_NUMBER}, "cookies": {"sessionid": "s"}},
        "breadcrumbs": {"values": [{"message": f"sms to {MOBILE}"}]},
    }

    scrubbed = scrub_event(event)

    text = repr(scrubbed)
    assert ID_NUMBER not in text and MOBILE not in text and "sessionid" not in text
    assert scrubbed["exception"]["values"][0]["type"] == "RuntimeError"


def test_with_a_dsn_errors_go_out_scrubbed():
    import sentry_sdk

    sent = []

    class Capture(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            sent.extend(item.payload.json for item in envelope.items if item.payload.json)

    init_sentry("https://public@sentry.example.invalid/1", transport=Capture)
    try:
        try:
            raise RuntimeError(f"failed for {ID_NUMBER}")
        except RuntimeError:
            sentry_sdk.capture_exception()
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN: off again

    assert sent
    assert ID_NUMBER not in repr(sent)
