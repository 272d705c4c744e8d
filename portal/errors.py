"""Unhandled errors reach someone: the ``ADMINS`` by mail, and a Sentry-compatible service when
``SENTRY_DSN`` is set; personal data scrubbed from both (portal/logs.py's patterns), request
bodies not sent at all."""

from __future__ import annotations

from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

from portal.logs import scrub

# How deep ``scrub_event`` goes into an event (Sentry events are a few levels of dicts and lists).
_MAX_DEPTH = 12


class ScrubbedAdminEmailHandler(AdminEmailHandler):
    """Django's mail to the ADMINS, its subject and text with personal data masked."""

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = scrub(kwargs["html_message"])
        super().send_mail(scrub(subject), scrub(message), *args, **kwargs)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports show which form fields came, never what was typed in them (an ID number,
    an address, a reason), beside Django's own hiding of secrets in settings and headers."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)


def scrub_event(event, hint=None):
    """A Sentry event with every string scrubbed and the request's body and cookies dropped."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies"):
            request.pop(key, None)
    return _scrubbed(event, 0)


def _scrubbed(value, depth: int):
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item, depth + 1) for item in value]
    return value


def init_sentry(dsn: str, *, environment: str = "", transport=None) -> None:
    """Send unhandled errors of requests and tasks to ``dsn``, without personal data: no user
    details, request bodies or local variables, every string scrubbed."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No user details, cookies, bodies, query strings or local variables.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub_event,
        **options,
    )
