"""Every API route × every kind of caller (STYLE.md: an authorization matrix, and a test that fails
when a route is missing from it)."""

import pytest
from django.conf import settings
from django.urls import URLPattern, get_resolver, reverse

from approvals.api import urls as api_urls
from tests.approvals.api.conftest import bearer_client, session_client, token_client

ROLES = [
    "anonymous",
    "applicant_a_token",  # the owner, through a personal token
    "applicant_b_session",  # another applicant, through the session
    "clerk_2fa",  # the window's intake clerk, session with second factor
    "reviewer_2fa",  # the bureau's reviewer with the task, session with second factor
    "reviewer_no_2fa",  # the same reviewer, session without the second factor
    "scoped_client",  # the bureau's API client with every scope
    "scopeless_client",  # an API client without scopes
]

OK = "ok"  # allowed: anything but 401, 403, 404, 405 and server errors


def allow(*roles, otherwise=None, **special):
    """``{role: expectation}``: OK for ``roles``; a user route refuses the others with 401 when
    nobody is signed in, 403 for the wrong kind of caller; ``special`` overrides."""
    expectations = {}
    for role in ROLES:
        if role in roles:
            expectations[role] = OK
        elif role == "anonymous":
            expectations[role] = 401
        else:
            expectations[role] = 403
    if otherwise:
        expectations.update(otherwise)
    expectations.update(special)
    return expectations


PUBLIC = dict.fromkeys(ROLES, OK)
# Routes on the applicant's application: the owner passes, the other applicant and officials
# find nothing (404), a second factor missing or an API client is refused (403).
APPLICANT_OWN = allow("applicant_a_token", applicant_b_session=404, clerk_2fa=404, reviewer_2fa=404)
DOWNLOAD = allow("applicant_a_token", "clerk_2fa", "reviewer_2fa", applicant_b_session=404)
INTAKE = allow("clerk_2fa")
TASK = allow("reviewer_2fa")
# Bearer-only routes: a session is no credential there (401).
AGENCY = allow(
    "scoped_client",
    otherwise={
        "applicant_b_session": 401,
        "clerk_2fa": 401,
        "reviewer_2fa": 401,
        "reviewer_no_2fa": 401,
    },
)
# Session-only routes: a token is no credential there (403, as the session has no challenge).
TOKENS = allow(
    "applicant_b_session",
    "clerk_2fa",
    "reviewer_2fa",
    anonymous=403,
    applicant_a_token=403,
    scoped_client=403,
    scopeless_client=403,
)


def _matrix(w):
    app, draft, task = w.application.pk, w.draft.pk, w.task.pk
    theme_draft, theme_case = w.theme_draft.pk, w.theme_case.pk
    return {
        ("service_list", "get"): ({}, PUBLIC),
        ("service_detail", "get"): ({"code": "SPJY"}, PUBLIC),
        ("theme_list", "get"): ({}, PUBLIC),
        ("theme_guide", "get"): ({"code": w.theme_code}, PUBLIC),
        ("track", "post"): ({}, PUBLIC),
        ("verify", "get"): ({"code": w.document.verification_code}, PUBLIC),
        ("token_list", "get"): ({}, TOKENS),
        ("token_list", "post"): ({}, TOKENS),
        ("token_detail", "delete"): (
            {"pk": w.token.pk},
            {**TOKENS, "applicant_b_session": 404, "clerk_2fa": 404, "reviewer_2fa": 404},
        ),
        ("application_list", "get"): (
            {},
            allow("applicant_a_token", "applicant_b_session", "clerk_2fa", "reviewer_2fa"),
        ),
        ("application_list", "post"): (
            {},
            allow("applicant_a_token", "applicant_b_session", "clerk_2fa", "reviewer_2fa"),
        ),
        ("application", "get"): ({"pk": app}, APPLICANT_OWN),
        ("application_step", "put"): ({"pk": draft, "step": "basic"}, APPLICANT_OWN),
        ("attachment_list", "get"): ({"pk": draft}, APPLICANT_OWN),
        ("attachment_list", "post"): ({"pk": draft}, APPLICANT_OWN),
        ("attachment_detail", "delete"): (
            {"pk": draft, "attachment_pk": w.draft_attachment.pk},
            APPLICANT_OWN,
        ),
        ("application_submit", "post"): ({"pk": draft}, APPLICANT_OWN),
        ("application_withdraw", "post"): ({"pk": app}, APPLICANT_OWN),
        ("supplement_answer", "post"): ({"pk": app}, APPLICANT_OWN),
        ("application_rating", "post"): ({"pk": app}, APPLICANT_OWN),
        ("document_list", "get"): ({"pk": app}, APPLICANT_OWN),
        ("attachment_content", "get"): ({"attachment_pk": w.attachment.pk}, DOWNLOAD),
        ("document_content", "get"): ({"document_pk": w.document.pk}, DOWNLOAD),
        ("theme_case_list", "get"): (
            {},
            allow("applicant_a_token", "applicant_b_session", "clerk_2fa", "reviewer_2fa"),
        ),
        ("theme_case_list", "post"): (
            {},
            allow("applicant_a_token", "applicant_b_session", "clerk_2fa", "reviewer_2fa"),
        ),
        ("theme_case", "get"): ({"pk": theme_case}, APPLICANT_OWN),
        ("theme_case_track", "post"): ({}, PUBLIC),
        ("theme_case_answers", "put"): ({"pk": theme_draft}, APPLICANT_OWN),
        ("theme_case_shared", "put"): ({"pk": theme_draft}, APPLICANT_OWN),
        ("theme_case_member_step", "put"): (
            {"pk": theme_draft, "member": "food", "step": "basic"},
            APPLICANT_OWN,
        ),
        ("theme_case_materials", "post"): ({"pk": theme_draft}, APPLICANT_OWN),
        ("theme_case_material", "delete"): (
            {"pk": theme_draft, "attachment_pk": w.theme_attachment.pk},
            APPLICANT_OWN,
        ),
        ("theme_case_submit", "post"): ({"pk": theme_draft}, APPLICANT_OWN),
        ("theme_case_withdraw", "post"): ({"pk": theme_case}, APPLICANT_OWN),
        ("theme_case_rating", "post"): ({"pk": theme_case}, APPLICANT_OWN),
        ("theme_case_documents", "get"): ({"pk": theme_case}, APPLICANT_OWN),
        ("theme_case_certificates", "get"): ({"pk": theme_case}, APPLICANT_OWN),
        ("theme_case_supplement_upload", "post"): (
            {"pk": theme_case, "target": "plan"},
            APPLICANT_OWN,
        ),
        ("theme_case_supplement_answer", "post"): ({"pk": theme_case}, APPLICANT_OWN),
        ("intake_queue", "get"): ({}, INTAKE),
        ("intake_detail", "get"): ({"pk": app}, INTAKE),
        ("intake_accept", "post"): ({"pk": app}, INTAKE),
        ("intake_accept_with_pledge", "post"): ({"pk": app}, INTAKE),
        ("intake_request_supplement", "post"): ({"pk": app}, INTAKE),
        ("intake_refuse", "post"): ({"pk": app}, INTAKE),
        ("intake_case_queue", "get"): ({}, INTAKE),
        ("intake_case_detail", "get"): ({"pk": theme_case}, INTAKE),
        **{
            (name, "post"): ({"pk": theme_case}, INTAKE)
            for name in (
                "intake_case_accept",
                "intake_case_accept_with_pledge",
                "intake_case_request_supplement",
                "intake_case_refuse",
            )
        },
        ("task_queue", "get"): ({}, TASK),
        ("task_detail", "get"): ({"pk": task}, TASK),
        **{
            (name, "post"): ({"pk": task}, TASK)
            for name in (
                "task_claim",
                "task_release",
                "task_assign",
                "task_approve",
                "task_reject",
                "task_return_to_stage",
                "task_return_to_applicant",
                "task_pause",
                "task_resume",
                "task_extension",
            )
        },
        ("licence_list", "get"): ({}, AGENCY),
        ("licence_detail", "get"): ({"number": w.licence.number}, AGENCY),
        ("agency_application_list", "get"): ({}, AGENCY),
        ("agency_application", "get"): ({"pk": app}, AGENCY),
    }


def _api_routes():
    """(url name, method) of every route under /api/v1/, from the resolver and the views."""
    routes = set()
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view = pattern.callback.view_class
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                routes.add((pattern.name, method))
    return routes


class _FakeWorld:
    def __init__(self):
        for name in ("application", "draft", "task", "document", "licence", "token"):
            setattr(self, name, type("O", (), {"pk": 1, "verification_code": "X", "number": "N"}))
        self.attachment = self.draft_attachment = self.document
        self.theme_code = "T"
        self.theme_draft = self.theme_case = self.theme_attachment = self.document


def test_every_api_route_is_in_the_matrix():
    mounted = {
        p.pattern._route for p in get_resolver().url_patterns if hasattr(p.pattern, "_route")
    }
    assert "api/v1/" in mounted

    assert _api_routes() == set(_matrix(_FakeWorld()))


def test_every_api_view_names_its_permission_classes():
    default = settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]
    for pattern in api_urls.urlpatterns:
        view = pattern.callback.view_class
        names = [f"{cls.__module__}.{cls.__name__}" for cls in view.permission_classes]
        assert names and names != default, f"{pattern.name} uses the default permission classes"


@pytest.fixture
def callers(
    theme_world, citizen, other_applicant, clerk, reviewer, scoped_client, scopeless_client
):
    from approvals.models import PersonalToken

    clients = {
        "anonymous": lambda: __import__("rest_framework.test").test.APIClient(),
        "applicant_a_token": lambda: token_client(citizen),
        "applicant_b_session": lambda: session_client(other_applicant),
        "clerk_2fa": lambda: session_client(clerk, verified=True),
        "reviewer_2fa": lambda: session_client(reviewer, verified=True),
        "reviewer_no_2fa": lambda: session_client(reviewer),
        "scoped_client": lambda: bearer_client(scoped_client.raw),
        "scopeless_client": lambda: bearer_client(scopeless_client.raw),
    }
    world = theme_world
    world.token = PersonalToken.objects.create(
        user=citizen, name="listed", token_hash="f" * 64, token_prefix="pat_listed"
    )
    return clients


CASES = [(name, method, role) for (name, method) in sorted(_matrix(_FakeWorld())) for role in ROLES]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_route_answers_each_caller_as_the_matrix_says(callers, world, name, method, role):
    kwargs, expectations = _matrix(world)[(name, method)]
    client = callers[role]()
    url = reverse(f"api:{name}", kwargs=kwargs)
    if name == "licence_list":
        url += f"?number={world.licence.number}"

    response = getattr(client, method)(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="matrix-key")

    expected = expectations[role]
    if expected == OK:
        assert response.status_code not in (401, 403, 404, 405), (role, response.content[:300])
        assert response.status_code < 500
    else:
        assert response.status_code == expected, (role, response.content[:300])
        assert response["Content-Type"] == "application/problem+json"
