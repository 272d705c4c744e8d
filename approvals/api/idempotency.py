"""``Idempotency-Key`` for unsafe requests that must happen once (submission).

The same key with the same request replays the first response; the same key with another
request (another body or another route) is refused with 422; a key whose first request is still
being served gets 409. A request that fails leaves no record, so the client may fix the cause
and retry with the same key. A request killed mid-way (worker timeout, restart) leaves its record
"in progress"; after ``ABANDONED_AFTER`` a retry takes it over (the submission service's own key
still guarantees one application). Secrets shown once (the query code) are not stored for replay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from approvals.api.errors import Conflict, Unprocessable
from approvals.models.api import IdempotencyRecord, IdempotencyState

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 64
REPLAYED_HEADER = "Idempotent-Replayed"
# Never stored for replay: shown once, only its hash is kept.
NOT_REPLAYED_FIELDS = ("query_code",)
# Far longer than any request may run (the web server's timeout): a record still "in progress"
# after this belongs to a request that died.
ABANDONED_AFTER = dt.timedelta(minutes=10)


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def require_key(request) -> str:
    key = (request.headers.get(HEADER) or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise exceptions.ValidationError(
            {HEADER: [_("Send an Idempotency-Key header of 1 to 64 characters.")]}
        )
    return key


def idempotent(request, *, key: str, run: Callable[[], Response]) -> Response:
    """``run()`` once per (user, key); replays, refuses or runs it."""
    fingerprint = _fingerprint(request)
    record = _claim(request, key, fingerprint)
    if isinstance(record, Response):
        return record
    try:
        response = run()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    stored = {k: v for k, v in response.data.items() if k not in NOT_REPLAYED_FIELDS}
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyState.DONE, response_status=response.status_code, response_body=stored
    )
    return response


def _claim(request, key: str, fingerprint: str) -> IdempotencyRecord | Response:
    """The record this request now owns, or the response for a key already used."""
    for _attempt in range(2):  # the first holder may have failed and freed the key meanwhile
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user=request.user, key=key, route=request.path, request_hash=fingerprint
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if existing is None:
            continue
        if (
            existing.request_hash == fingerprint
            and existing.state == IdempotencyState.IN_PROGRESS
            and _take_over_abandoned(existing)
        ):
            return existing
        return _replay(existing, fingerprint)
    raise Conflict(
        _("A request with this Idempotency-Key is still being processed. Retry later."),
        code="idempotency_in_progress",
    )


def _take_over_abandoned(record: IdempotencyRecord) -> bool:
    """Claim a record whose request died (older than ``ABANDONED_AFTER``); one retry wins."""
    now = timezone.now()
    return bool(
        IdempotencyRecord.objects.filter(
            pk=record.pk,
            state=IdempotencyState.IN_PROGRESS,
            created_at__lt=now - ABANDONED_AFTER,
        ).update(created_at=now)
    )


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise Unprocessable(
            _("This Idempotency-Key was used for another request. Use a new key."),
            code="idempotency_key_reused",
        )
    if record.state == IdempotencyState.IN_PROGRESS:
        raise Conflict(
            _("A request with this Idempotency-Key is still being processed. Retry later."),
            code="idempotency_in_progress",
        )
    body = {**record.response_body, **dict.fromkeys(NOT_REPLAYED_FIELDS)}
    return Response(body, status=record.response_status, headers={REPLAYED_HEADER: "true"})
