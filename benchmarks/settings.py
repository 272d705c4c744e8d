"""Settings of the benchmark's gunicorn: production's (``portal.settings.prod``), with the SQL
query count of each request in a response header. Only ``make bench`` uses this module, so the
header never exists in production.

The benchmark talks to gunicorn over loopback as the TLS-terminating load balancer would: it sends
``X-Forwarded-Proto: https`` (production trusts that header, ``BEHIND_TLS_PROXY``), so the HTTPS
redirect, HSTS and secure cookies stay exactly as in production.
"""

from portal.settings.prod import *  # noqa: F403
from portal.settings.prod import MIDDLEWARE

# Outermost, so that the count includes the session save and everything else a request costs.
MIDDLEWARE = ["benchmarks.middleware.QueryCountMiddleware", *MIDDLEWARE]
BENCH_QUERY_COUNT_HEADER = True
