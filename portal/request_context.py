"""The current request's id and client address, for audit events and log lines.

Set by ``RequestContextMiddleware``; Celery tasks and management commands run without one.
"""

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    client_ip: str | None = None
    # The API credential the request came with ("token:7", "api_client:3"), for the audit trail.
    credential: str = ""
    # Who is signed in, as the logs name them (``portal.logs.user_pseudonym``), once known.
    user: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("portal_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def activate(context: RequestContext):
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)


def remember(**changes) -> None:
    """Add what became known during the request (the credential, the user) to its context. Not
    reset here: the middleware resets the request's context when the response is done."""
    activate(replace(current(), **changes))


# What a read-only request (GET, HEAD) reads once however often it asks: the signed-in user's
# positions, their memberships. Active only for such a request (``RequestContextMiddleware``):
# a form's POST may change what was read, and a task, a command or a test calling a function
# directly reads afresh each time, as before.
_read_once: ContextVar[dict | None] = ContextVar("portal_read_once", default=None)


def begin_read_once():
    return _read_once.set({})


def end_read_once(token) -> None:
    _read_once.reset(token)


def reading_once() -> bool:
    return _read_once.get() is not None


def read_once(key, read):
    """``read()``, remembered under ``key`` for the rest of a read-only request (return an
    immutable value: every caller gets the same object); outside one, read each time."""
    remembered = _read_once.get()
    if remembered is None:
        return read()
    if key not in remembered:
        remembered[key] = read()
    return remembered[key]


def client_ip(request) -> str | None:
    """The client's address: from the trusted proxy's header when one is configured, else the peer.

    A header is only believed when ``TRUSTED_PROXY_IP_HEADER`` names it, because clients can send
    any header they like.
    """
    candidate = None
    header = settings.TRUSTED_PROXY_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        addresses = [part.strip() for part in request.META.get(meta_key, "").split(",")]
        addresses = [address for address in addresses if address]
        # Each proxy appends the address it received the request from, on the right; anything
        # further left came from the client and may be forged. So the client is the entry that
        # the outermost of our TRUSTED_PROXY_COUNT proxies (at least the one) appended.
        proxies = max(settings.TRUSTED_PROXY_COUNT, 1)
        if addresses:
            candidate = addresses[-proxies] if len(addresses) >= proxies else addresses[0]
    candidate = candidate or request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None
