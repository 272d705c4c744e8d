"""What a read-only request reads once (``portal.request_context.read_once``): remembered for a GET
or HEAD, read afresh for a POST (which may change it) and outside a request."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from portal import request_context
from portal.middleware import RequestContextMiddleware


def _reads_during(method: str) -> int:
    calls = []

    def view(request):
        for _ in range(3):
            request_context.read_once("positions", lambda: calls.append(1) or ("row",))
        return HttpResponse()

    request = getattr(RequestFactory(), method.lower())("/")
    RequestContextMiddleware(view)(request)
    return len(calls)


@pytest.mark.parametrize(("method", "reads"), [("GET", 1), ("HEAD", 1), ("POST", 3)])
def test_a_read_only_request_reads_once(method, reads):
    assert _reads_during(method) == reads


def test_outside_a_request_each_call_reads_and_nothing_is_left_behind():
    _reads_during("GET")
    assert not request_context.reading_once()
    calls = []
    for _ in range(2):
        request_context.read_once("positions", lambda: calls.append(1))
    assert len(calls) == 2
