"""The OpenAPI schema against the running API (schemathesis over the WSGI app): no server error,
no response that breaks the schema, no operation that ignores authentication.

Bounded for CI: a few examples per operation, a fixed seed (derandomized), no deadline."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from tests.approvals.api.conftest import session_client

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.response_schema_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.status_code_conformance,
    openapi_checks.ignored_auth,
]
MAX_EXAMPLES = 3


def _load_schema():
    """The schema as the running app serves it (no database needed to build it)."""
    from portal.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request must not close the test's database connection
    (PostgreSQL would lose the test's transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(world, citizen, clerk, reviewer, scoped_client):
    """Per operation: the kind of caller it is meant for, with valid credentials."""
    from approvals.services.api_credentials import personal_token_create
    from tests.factories import OfficialFactory

    # One official who works both the window and the bureau's tasks.
    OfficialFactory(user=clerk, department=world.task.department, role="reviewer")
    _token, raw = personal_token_create(actor=citizen, name="schemathesis")
    official = session_client(clerk, verified=True).cookies["sessionid"].value
    applicant_session = session_client(citizen).cookies["sessionid"].value

    def for_path(path: str) -> dict:
        if path.startswith(("/api/v1/intake/", "/api/v1/tasks/")):
            return {"cookies": {"sessionid": official}}
        if path.startswith(("/api/v1/licences/", "/api/v1/agency/")):
            return {"headers": {"Authorization": f"Bearer {scoped_client.raw}"}}
        if path.startswith("/api/v1/tokens/"):
            return {"cookies": {"sessionid": applicant_session}}
        return {"headers": {"Authorization": f"Bearer {raw}"}}

    return for_path


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema(case, credentials):
    # The credentials go into the case itself, so that the ignored-auth probes can take them
    # away (or spoil them) and expect 401/403.
    given = credentials(case.operation.path)
    case.headers = {**(case.headers or {}), **given.get("headers", {})}
    case.cookies = {**(case.cookies or {}), **given.get("cookies", {})}
    # Marked as given, not generated, as schemathesis's own auth providers mark theirs.
    case._has_explicit_auth = True

    response = case.call()

    case.validate_response(response, checks=CHECKS)
