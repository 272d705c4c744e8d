"""OpenAPI helpers: the problem-details responses every operation may give, and the
security schemes (the session cookie and ``Authorization: Bearer``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from approvals.api.errors import PROBLEM_CONTENT_TYPE
from approvals.api.serializers.common import ProblemSerializer


def problem_example(status: int, code: str, title: str, detail: str, errors=None):
    value = {"type": f"/api/problems/{code}", "title": title, "status": status, "detail": detail}
    if errors:
        value["errors"] = errors
    return OpenApiExample(code, value=value, response_only=True, status_codes=[str(status)])


def _problem(status: int, description: str, *examples) -> OpenApiResponse:
    return OpenApiResponse(
        response=ProblemSerializer, description=description, examples=list(examples)
    )


PROBLEMS = {
    400: _problem(
        400,
        "Invalid input (field errors in `errors`).",
        problem_example(
            400,
            "invalid",
            "The request is not valid",
            "Some fields are not valid: see errors.",
            {"reason": ["This field is required."]},
        ),
    ),
    401: _problem(
        401,
        "No credentials, or bad ones.",
        problem_example(
            401,
            "not_authenticated",
            "Authentication is required",
            "Authentication credentials were not provided.",
        ),
    ),
    403: _problem(
        403,
        "Not allowed (wrong kind of caller, missing scope or second factor, CSRF).",
        problem_example(
            403,
            "permission_denied",
            "Not allowed",
            "You do not have permission to perform this action.",
        ),
    ),
    404: _problem(
        404,
        "Not found, or not yours (the same answer).",
        problem_example(404, "not_found", "Not found", "Not found."),
    ),
    409: _problem(
        409,
        "Stale revision, a state that no longer allows the step, or a request in progress.",
        problem_example(
            409,
            "stale",
            "Conflict",
            "It was changed in the meantime. Read it again and retry with its new revision.",
        ),
    ),
    422: _problem(
        422,
        "The service refused the request (a rule of the procedure).",
        problem_example(
            422,
            "incomplete",
            "The request cannot be carried out",
            "The application is not complete yet.",
            {"materials": ["Missing: Floor plan (floor-plan)"]},
        ),
    ),
    413: _problem(
        413,
        "The upload is too large.",
        problem_example(413, "too_large", "Request too large", "The file is too large."),
    ),
    429: _problem(
        429,
        "Too many requests.",
        problem_example(429, "throttled", "Too many requests", "Request was throttled."),
    ),
}


def problems(*statuses: int) -> dict:
    """Problem-details responses, described with their own media type."""
    return {(status, PROBLEM_CONTENT_TYPE): PROBLEMS[status] for status in statuses}


READ = (400, 401, 403, 404, 429)
WRITE = (400, 401, 403, 404, 409, 422, 429)
PUBLIC_READ = (400, 404, 429)


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "approvals.api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token (`pat_…`) or an API client's secret (`cli_…`).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "approvals.api.authentication.PortalSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
