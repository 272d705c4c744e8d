"""Outbound events: status changes of applications, signed and delivered to API clients.

1. ``application_transition`` calls ``outbox_record`` in its own transaction: the change and
   the event to announce commit together or not at all (DESIGN.md §4: an outbox, not a task
   enqueued inside the transaction).
2. After the commit, ``webhook_dispatch_task`` fans the event out into one ``WebhookDelivery``
   per matching subscription (active client with the ``webhook`` scope, its department scope,
   the statuses it asked for) and tries each once.
3. A failed attempt is retried with exponential backoff; the beat sweep ``webhook_sweep_task``
   picks up whatever is due (and any event whose fan-out never ran). Every attempt is logged in
   ``DeliveryAttempt`` (status code, error, duration), shown read-only in the admin.

Each request carries ``X-Portal-Timestamp`` (Unix seconds) and
``X-Portal-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body, keyed by the
subscription's secret>``. URLs are set by an administrator; redirects are not followed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvals.models import Application
from approvals.models.api import (
    DeliveryAttempt,
    DeliveryState,
    OutboxEvent,
    WebhookDelivery,
    WebhookSubscription,
)
from portal.queueing import enqueue_on_commit

logger = logging.getLogger("portal.webhooks")

EVENT_STATUS_CHANGED = "application.status_changed"
SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
MAX_ERROR_LENGTH = 500
MAX_BACKOFF = dt.timedelta(hours=6)


# --- 1. The outbox row, in the status change's transaction --------------------------------------


def outbox_record(*, application: Application, before: str, after: str) -> OutboxEvent:
    """Write the event to announce; dispatch it once the change is committed."""
    event = outbox_event(application=application, before=before, after=after)
    event.save(force_insert=True)
    enqueue_on_commit("approvals.tasks.webhook_dispatch_task", event.pk)
    return event


def outbox_record_many(events: list[OutboxEvent]) -> None:
    """``outbox_record`` for several status changes at once (``outbox_event`` builds each): one
    insert; each dispatched once the change is committed."""
    for event in OutboxEvent.objects.bulk_create(events):
        enqueue_on_commit("approvals.tasks.webhook_dispatch_task", event.pk)


def outbox_event(*, application: Application, before: str, after: str) -> OutboxEvent:
    """The outbox row announcing that ``application`` (as it is now) moved from ``before`` to
    ``after``, not saved."""
    item = application.service_version.item
    return OutboxEvent(
        application=application,
        event=EVENT_STATUS_CHANGED,
        department_id=item.department_id,
        status=after,
        payload={
            "application": {
                "id": application.pk,
                "tracking_number": application.tracking_number,
                "service": item.code,
                "department": item.department.code,
                "status_before": before,
                "status": after,
                "revision": application.revision,
            },
        },
    )


# --- 2. Fan-out ---------------------------------------------------------------------------------


def _matching_subscriptions(event: OutboxEvent):
    return (
        WebhookSubscription.objects.filter(is_active=True, client__is_active=True)
        .filter(Q(client__department__isnull=True) | Q(client__department_id=event.department_id))
        .select_related("client")
    )


@transaction.atomic
def webhook_dispatch(*, event_id: int) -> list[int]:
    """One delivery per matching subscription (idempotent), then mark the event dispatched.
    Returns the ids of the deliveries created."""
    event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None or event.dispatched_at is not None:
        return []
    now = timezone.now()
    created = []
    for subscription in _matching_subscriptions(event):
        if not subscription.client.may_receive_webhooks() or not subscription.wants(event.status):
            continue
        delivery, is_new = WebhookDelivery.objects.get_or_create(
            event=event, subscription=subscription, defaults={"next_attempt_at": now}
        )
        if is_new:
            created.append(delivery.pk)
    event.dispatched_at = now
    event.save(update_fields=["dispatched_at"])
    return created


# --- 3. Delivery --------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (docs/api.md has the same in a few lines)."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


def event_body(event: OutboxEvent, delivery: WebhookDelivery) -> bytes:
    document = {
        "id": event.pk,
        "delivery": delivery.pk,
        "event": event.event,
        "occurred_at": event.created_at.isoformat(),
        **event.payload,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is a failed attempt, never a request to somewhere else


_opener = urllib.request.build_opener(_NoRedirect)


def webhook_target_allowed(url: str) -> bool:
    """Every address the URL's host resolves to is public (no request forgery into the portal's
    own network); a host that does not resolve is refused. ``WEBHOOK_ALLOW_PRIVATE_TARGETS``
    lifts the rule (tests, closed networks). Checked when a subscription is saved and again
    before each delivery, since the host's addresses may change in between."""
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return True
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            return False
    return bool(addresses)


def _post(url: str, body: bytes, headers: dict) -> int:
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("only http(s) URLs are delivered to")
    if not webhook_target_allowed(url):
        raise ValueError("the URL does not reach a public address")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def backoff(attempts: int) -> dt.timedelta:
    """After the n-th failed attempt: base × 2^(n-1), at most six hours."""
    delay = dt.timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def webhook_deliver(*, delivery_id: int) -> str:
    """Try one due delivery once; returns its state afterwards. Safe to call twice: a delivery
    that is done, or not due yet, is left alone."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("event", "subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "missing"
        if delivery.state != DeliveryState.PENDING or (
            delivery.next_attempt_at and delivery.next_attempt_at > now
        ):
            return delivery.state
        # Claim the attempt, so that a parallel sweep does not send it twice meanwhile.
        delivery.next_attempt_at = now + backoff(delivery.attempts + 1)
        delivery.save(update_fields=["next_attempt_at"])

    subscription, event = delivery.subscription, delivery.event
    body = event_body(event, delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "portal-webhooks/1",
        "X-Portal-Event": event.event,
        "X-Portal-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        status_code = _post(subscription.url, body, headers)
    except Exception as exc:  # noqa: BLE001 - any failure is logged and retried
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    duration_ms = int((time.monotonic() - started) * 1000)
    delivered = status_code is not None and 200 <= status_code < 300
    if status_code is not None and not delivered and not error:
        error = f"HTTP {status_code}"

    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery, status_code=status_code, error=error, duration_ms=duration_ms
        )
        delivery.attempts += 1
        if delivered:
            delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, timezone.now()
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            logger.warning("webhook delivery %s failed for good: %s", delivery.pk, error)
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save(update_fields=["state", "attempts", "next_attempt_at", "delivered_at"])
    return delivery.state


def webhook_sweep(*, limit: int = 200) -> dict:
    """Fan out events whose dispatch never ran, then try every delivery that is due."""
    dispatched = 0
    for event_id in OutboxEvent.objects.filter(dispatched_at__isnull=True).values_list(
        "pk", flat=True
    )[:limit]:
        webhook_dispatch(event_id=event_id)
        dispatched += 1
    due = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    states = [webhook_deliver(delivery_id=pk) for pk in list(due)]
    return {
        "dispatched": dispatched,
        "attempted": len(states),
        "delivered": states.count(DeliveryState.DELIVERED),
    }
