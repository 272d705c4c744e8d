"""One error format everywhere: RFC 9457 problem details (``application/problem+json``).

``type`` is a URI reference naming the kind of problem (listed in docs/api.md), ``title`` says it
in words, ``status`` repeats the HTTP status, ``detail`` explains this occurrence and ``errors``
maps a field (or ``non_field_errors``) to its messages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from approvals.domain.lifecycle import TransitionNotAllowed
from approvals.security.uploads import UploadRejected
from approvals.services.applications import StaleApplication
from approvals.services.tasks import StaleTask
from approvals.services.theme_case_submission import ThemeCaseIncomplete
from approvals.services.theme_intake import CaseNotAtWindow, StaleThemeCase

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/problems/"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource changed or is busy."
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be carried out."
    default_code = "unprocessable"

    def __init__(self, detail=None, code=None, errors: dict | None = None):
        super().__init__(detail, code)
        self.errors = errors or {}


TITLES = {
    400: gettext_lazy("The request is not valid"),
    401: gettext_lazy("Authentication is required"),
    403: gettext_lazy("Not allowed"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request too large"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("The request cannot be carried out"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Server error"),
}


def _messages(detail) -> list[str]:
    if isinstance(detail, list | tuple):
        return [str(item) for item in detail]
    if isinstance(detail, dict):
        return [
            f"{key}: {message}" for key, value in detail.items() for message in _messages(value)
        ]
    return [str(detail)]


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _messages(value) for field, value in detail.items()}
    return {}


def _from_django_validation(error: DjangoValidationError) -> Unprocessable:
    from approvals.services.applications import ApplicationIncomplete

    if isinstance(error, ApplicationIncomplete):
        errors = {field: list(messages) for field, messages in error.field_errors.items()}
        if error.missing_materials:
            errors["materials"] = [
                _("Missing: %(name)s (%(key)s)") % {"name": material.name, "key": material.key}
                for material in error.missing_materials
            ]
        return Unprocessable(detail=str(error.message), code="incomplete", errors=errors)
    if isinstance(error, ThemeCaseIncomplete):
        errors = {field: list(messages) for field, messages in error.field_errors.items()}
        if error.missing_materials:
            errors["materials"] = [
                _("Missing: %(name)s (%(key)s)")
                % {"name": name, "key": f"{member}:{key}" if member else key}
                for member, key, name in error.missing_materials
            ]
        return Unprocessable(detail=str(error.message), code="incomplete", errors=errors)
    if hasattr(error, "error_dict"):
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
        detail = " ".join(message for messages in errors.values() for message in messages)
        return Unprocessable(detail=detail, code="invalid", errors=errors)
    return Unprocessable(detail=" ".join(error.messages), code="invalid")


def translate(exc: Exception) -> Exception:
    """Django's and the services' exceptions as the API's."""
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, StaleApplication | StaleTask | StaleThemeCase):
        return Conflict(
            _("It was changed in the meantime. Read it again and retry with its new revision."),
            code="stale",
        )
    if isinstance(exc, TransitionNotAllowed):
        return Conflict(_("The application's state does not allow this step."), code="state")
    if isinstance(exc, CaseNotAtWindow):
        return Conflict(" ".join(exc.messages), code="state")
    if isinstance(exc, UploadRejected):
        return Unprocessable(detail=str(exc.message), code=f"upload_{exc.code}")
    if isinstance(exc, DjangoValidationError):
        return _from_django_validation(exc)
    return exc


def problem(status_code: int, *, code: str, detail: str, errors: dict | None = None) -> dict:
    body = {
        "type": PROBLEM_BASE + code,
        "title": str(TITLES.get(status_code, gettext_lazy("Error"))),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def problem_exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every error as problem details."""
    exc = translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling (and its logging) takes over
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail) or {"non_field_errors": _messages(exc.detail)}
        detail = _("Some fields are not valid: see errors.")
        code = "invalid"
    else:
        errors = getattr(exc, "errors", None)
        detail = " ".join(_messages(exc.detail))
        code = _code(exc)
    response.data = problem(response.status_code, code=code, detail=detail, errors=errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def api_aware_not_found(request, exception=None):
    """``handler404``: a path under /api/ that matches no route answers problem details too; every
    other path gets the site's 404 page."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        body = problem(404, code="not_found", detail=_("There is no such API endpoint."))
        return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
    return page_not_found(request, exception)


def api_aware_server_error(request):
    """``handler500``: an unexpected error under /api/ answers problem details (no traceback:
    Django has logged it); every other path gets the site's 500 page."""
    from django.http import JsonResponse
    from django.views.defaults import server_error

    if request.path.startswith("/api/"):
        body = problem(
            500,
            code="server_error",
            detail=_("Something went wrong on our side. Try again later."),
        )
        return JsonResponse(body, status=500, content_type=PROBLEM_CONTENT_TYPE)
    return server_error(request)
