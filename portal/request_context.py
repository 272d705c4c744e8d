"""The current request's id and client address, for audit events and log lines.

Set by ``RequestContextMiddleware``; Celery tasks and management commands run without one.
"""

from contextvars import ContextVar
from dataclasses import dataclass, replace


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
