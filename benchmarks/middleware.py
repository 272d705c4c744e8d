"""``X-Bench-Queries``: the number of SQL statements a request ran, and ``X-Bench-Worker``: the
process that served it (benchmarks.settings only)."""

import os

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection

HEADER = "X-Bench-Queries"
WORKER_HEADER = "X-Bench-Worker"


class QueryCountMiddleware:
    def __init__(self, get_response):
        # A second guard: even if this class were listed elsewhere, it stays off unless the
        # benchmark's settings turn it on.
        if not getattr(settings, "BENCH_QUERY_COUNT_HEADER", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        # A streamed body runs its queries after this point; none of the measured pages streams.
        response[HEADER] = str(count)
        # So that the benchmark can warm every worker up before it measures (benchmarks/load.py).
        response[WORKER_HEADER] = str(os.getpid())
        return response
