"""Status changes go out as signed webhooks from the outbox, with retries and a delivery log.
Deliveries go only to a local HTTP server on 127.0.0.1 started by the test."""

import datetime as dt
import http.server
import json
import threading

import pytest
import time_machine
from django.utils import timezone

from approvals.models import (
    DeliveryAttempt,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from approvals.services.applications import application_withdraw
from approvals.services.webhooks import backoff, verify_signature, webhook_sweep
from tests.conftest import FIXED_NOW

SECRET = "whsec-test-secret"


class Receiver:
    """A local HTTP endpoint answering with the next status of ``answers`` (then 200)."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def subscription(world, scoped_client, receiver):
    # The world's own status changes happened before anyone subscribed.
    OutboxEvent.objects.update(dispatched_at=timezone.now())
    return WebhookSubscription.objects.create(client=scoped_client, url=receiver.url, secret=SECRET)


def _withdraw(world, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(actor=citizen, application=world.application, reason="不再需要")


def test_a_status_change_is_delivered_signed_to_the_departments_subscriber(
    world, citizen, subscription, receiver, django_capture_on_commit_callbacks
):
    _withdraw(world, citizen, django_capture_on_commit_callbacks)

    [(headers, body)] = receiver.requests
    document = json.loads(body)
    assert document["event"] == "application.status_changed"
    assert document["application"]["status"] == "withdrawn"
    assert document["application"]["status_before"] == "under_review"
    assert verify_signature(
        SECRET, headers["X-Portal-Timestamp"], body, headers["X-Portal-Signature"]
    )
    assert not verify_signature(
        "another-secret", headers["X-Portal-Timestamp"], body, headers["X-Portal-Signature"]
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "delivered"
    [attempt] = DeliveryAttempt.objects.filter(delivery=delivery)
    assert attempt.status_code == 200 and attempt.error == ""


def test_another_departments_client_is_not_told(
    world, citizen, other_department_client, receiver, django_capture_on_commit_callbacks
):
    other_department_client.scopes = ["webhook", "application:read"]
    other_department_client.save()
    WebhookSubscription.objects.create(
        client=other_department_client, url=receiver.url, secret=SECRET
    )

    _withdraw(world, citizen, django_capture_on_commit_callbacks)

    assert receiver.requests == []
    assert OutboxEvent.objects.get(status="withdrawn").dispatched_at is not None


def test_a_client_without_application_read_is_not_told(
    world, citizen, scoped_client, receiver, django_capture_on_commit_callbacks
):
    # Given the department's client subscribed, then lost the application:read scope
    OutboxEvent.objects.update(dispatched_at=timezone.now())
    WebhookSubscription.objects.create(client=scoped_client, url=receiver.url, secret=SECRET)
    scoped_client.scopes = ["webhook", "licence:read"]
    scoped_client.save()

    # When an application of its department changes status
    _withdraw(world, citizen, django_capture_on_commit_callbacks)

    # Then nothing is sent (a webhook carries application data)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_the_admin_refuses_a_subscription_for_a_client_without_application_read(
    world, scoped_client, verified_client_factory
):
    from tests.factories import UserFactory

    scoped_client.scopes = ["webhook"]
    scoped_client.save()
    browser = verified_client_factory(UserFactory(is_staff=True, is_superuser=True))

    response = browser.post(
        "/admin/approvals/webhooksubscription/add/",
        {
            "client": scoped_client.pk,
            "url": "https://hooks.example.gov.cn/portal",
            "secret": SECRET,
            "statuses": "[]",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "webhook, application:read" in response.content.decode()
    assert not WebhookSubscription.objects.exists()

    # With both scopes the same subscription is saved
    scoped_client.scopes = ["webhook", "application:read"]
    scoped_client.save()
    saved = browser.post(
        "/admin/approvals/webhooksubscription/add/",
        {
            "client": scoped_client.pk,
            "url": "https://hooks.example.gov.cn/portal",
            "secret": SECRET,
            "statuses": "[]",
            "is_active": "on",
        },
    )
    assert saved.status_code == 302
    assert WebhookSubscription.objects.get().client == scoped_client


def test_a_failed_delivery_is_retried_with_backoff_until_it_succeeds(
    world, citizen, subscription, receiver, django_capture_on_commit_callbacks, settings
):
    receiver.answers = [500, 503]
    _withdraw(world, citizen, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.attempts == 1

    # Not due yet: the sweep leaves it alone.
    webhook_sweep()
    delivery.refresh_from_db()
    assert delivery.attempts == 1

    with time_machine.travel(FIXED_NOW + backoff(1) + dt.timedelta(seconds=1), tick=False):
        webhook_sweep()
    with time_machine.travel(FIXED_NOW + dt.timedelta(hours=1), tick=False):
        webhook_sweep()

    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert delivery.attempts == 3
    log = list(
        delivery.attempt_log.order_by("attempted_at", "pk").values_list("status_code", "error")
    )
    assert log == [(500, "HTTP 500"), (503, "HTTP 503"), (200, "")]
    assert backoff(1) == dt.timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS)
    assert backoff(3) == 4 * backoff(1)


def test_a_delivery_is_given_up_after_the_last_attempt(
    world, citizen, subscription, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answers = [500, 500]
    _withdraw(world, citizen, django_capture_on_commit_callbacks)

    with time_machine.travel(timezone.now() + dt.timedelta(hours=7), tick=False):
        webhook_sweep()

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    assert delivery.attempt_log.count() == 2


def test_an_unreachable_endpoint_is_logged_as_an_error(
    world, citizen, scoped_client, django_capture_on_commit_callbacks
):
    # A port on the loopback address where nothing listens.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    WebhookSubscription.objects.create(
        client=scoped_client, url=f"http://127.0.0.1:{port}/", secret=SECRET
    )

    _withdraw(world, citizen, django_capture_on_commit_callbacks)

    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None
    assert "Connection refused" in attempt.error or "URLError" in attempt.error


def test_the_sweep_dispatches_an_event_whose_fan_out_never_ran(
    world, citizen, subscription, receiver
):
    # No on-commit callbacks run here: as if the worker had been down when it committed.
    application_withdraw(actor=citizen, application=world.application, reason="不再需要")
    assert receiver.requests == []

    report = webhook_sweep()

    assert report == {"dispatched": 1, "attempted": 1, "delivered": 1}
    assert len(receiver.requests) == 1


def test_the_admin_shows_the_delivery_log_read_only(
    world,
    citizen,
    subscription,
    receiver,
    django_capture_on_commit_callbacks,
    verified_client_factory,
):
    from tests.factories import UserFactory

    _withdraw(world, citizen, django_capture_on_commit_callbacks)
    admin = UserFactory(is_staff=True, is_superuser=True)
    browser = verified_client_factory(admin)
    delivery = WebhookDelivery.objects.get()

    page = browser.get(f"/admin/approvals/webhookdelivery/{delivery.pk}/change/")

    assert page.status_code == 200
    assert b"Delivery attempt" in page.content or "投递".encode() in page.content
    assert browser.get("/admin/approvals/webhookdelivery/add/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest",
        "https://[::1]/hooks",
        "https://240.0.0.1/hooks",
    ],
)
def test_the_admin_refuses_a_subscription_to_an_internal_address(
    world, scoped_client, verified_client_factory, settings, url
):
    from tests.factories import UserFactory

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    browser = verified_client_factory(UserFactory(is_staff=True, is_superuser=True))

    response = browser.post(
        "/admin/approvals/webhooksubscription/add/",
        {
            "client": scoped_client.pk,
            "url": url,
            "secret": SECRET,
            "statuses": "[]",
            "is_active": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "must reach a public address" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_a_delivery_is_refused_when_its_host_now_reaches_an_internal_address(
    world, citizen, subscription, receiver, settings, django_capture_on_commit_callbacks
):
    # given a subscription saved while its host was public; its address is now loopback
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    _withdraw(world, citizen, django_capture_on_commit_callbacks)
    # then nothing is sent and the attempt is logged as refused
    assert receiver.requests == []
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None and "public address" in attempt.error
