"""The fixed-window rate limiter behind the public progress lookup."""

import pytest
from django.core.cache import cache

from portal.ratelimit import RateLimit


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_limit_allows_that_many_hits_then_refuses():
    limit = RateLimit("test", limit=3, period=60)

    results = [limit.hit("10.0.0.1", now=1000.0) for _ in range(5)]

    assert results == [True, True, True, False, False]
    assert limit.is_exceeded("10.0.0.1", now=1000.0)


def test_each_client_has_its_own_count():
    limit = RateLimit("test", limit=1, period=60)

    assert limit.hit("10.0.0.1", now=1000.0)
    assert not limit.hit("10.0.0.1", now=1000.0)
    assert limit.hit("10.0.0.2", now=1000.0)


def test_a_new_window_starts_a_new_count():
    limit = RateLimit("test", limit=1, period=60)
    assert limit.hit("10.0.0.1", now=1000.0)
    assert not limit.hit("10.0.0.1", now=1019.0)

    assert limit.hit("10.0.0.1", now=1020.0)  # 1020 starts the next 60-second window


def test_scopes_do_not_share_counts():
    lookups, logins = (
        RateLimit("lookup", limit=1, period=60),
        RateLimit("other", limit=1, period=60),
    )

    assert lookups.hit("10.0.0.1", now=0.0)
    assert logins.hit("10.0.0.1", now=0.0)
