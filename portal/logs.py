"""Log lines operators can use: one JSON object a line (``LOG_FORMAT=json``, production's
default), with the request id and a pseudonymous user id on every line written while a request or
a task it queued runs, and no personal data.

- ``RequestContextFilter`` adds ``request_id`` and ``user`` (a keyed hash of the user id: lines of
  one user can be followed, but the log alone does not say who they are) from
  ``portal.request_context``.
- ``PersonalDataFilter`` is the safety net behind the rule that code logs no personal data: it
  masks resident ID numbers, mobile numbers and e-mail addresses in whatever a line says (its
  message and its extra fields).
- The access line of each request is written by ``portal.middleware.AccessLogMiddleware``, the
  line of each task by the signal handlers in ``portal.celery``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import sys

from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from portal import request_context


class StderrHandler(logging.StreamHandler):
    """A console handler that writes to whatever ``sys.stderr`` is when a line is written, not
    the stream of the moment logging was configured (a test runner swaps and closes those)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


# The fields every JSON line carries, in this order, before the line's own extra fields.
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user)s"

_PERSONAL = [
    # Resident ID numbers (18 characters, the last a digit or X) and the old 15-digit ones.
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)"), "[id]"),
    # Mobile numbers, with or without +86 / 0086.
    (re.compile(r"(?<!\d)(?:\+?86[ -]?|0086[ -]?)?1[3-9]\d{9}(?!\d)"), "[mobile]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
]
# (Query codes and one-time passwords are six digits, like the ids of the millionth rows: no
# pattern tells them apart. They are never logged at their source; tests/portal/test_logs.py.)
# Record attributes a log call may set that are not personal data by construction.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "user"}


def scrub(text: str) -> str:
    """``text`` with resident ID numbers, mobile numbers and e-mail addresses masked."""
    for pattern, replacement in _PERSONAL:
        text = pattern.sub(replacement, text)
    return text


def user_pseudonym(user_id) -> str:
    """A stable pseudonym for a user id in the logs: a keyed hash (the key derived from the
    secret key), so that the id itself, and who it is, are not in the log."""
    if not user_id:
        return ""
    key = hashlib.sha256(f"portal.logs.user:{settings.SECRET_KEY}".encode()).digest()
    return "u-" + hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:12]


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user`` to every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.current()
        if not hasattr(record, "request_id"):
            record.request_id = context.request_id
        if not hasattr(record, "user"):
            record.user = context.user
        return True


class PersonalDataFilter(logging.Filter):
    """Masks personal data in the message (arguments merged in) and in string extra fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: keep the template, drop the args
            message = str(record.msg)
        record.msg, record.args = scrub(message), ()
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, scrub(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class PortalJsonFormatter(JsonFormatter):
    """``python-json-logger``'s formatter with the portal's field names: ``time``, ``level``,
    ``logger``; ISO times in UTC."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(JSON_FIELDS, *args, **kwargs)

    def formatTime(self, record, datefmt=None) -> str:
        import datetime as dt

        moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        return moment.isoformat(timespec="milliseconds")
