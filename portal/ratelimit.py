"""A small fixed-window rate limiter on Django's cache.

``RateLimit("track", limit=10, period=600)`` allows ten hits per key (a client IP, say) in each
ten-minute window. The counts live in the default cache: per process with the in-memory default,
shared by every web worker when ``CACHE_URL`` points at Redis.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    period: int  # seconds

    def _key(self, identity: str, now: float) -> str:
        window = int(now // self.period)
        return f"ratelimit:{self.scope}:{identity}:{window}"

    def hit(self, identity: str, *, now: float | None = None) -> bool:
        """Count one attempt by ``identity``; ``True`` while it is within the limit."""
        key = self._key(identity, time.time() if now is None else now)
        # add() is a no-op when the key exists, so two processes cannot reset each other's count.
        cache.add(key, 0, timeout=self.period)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=self.period)
            count = 1
        return count <= self.limit

    def is_exceeded(self, identity: str, *, now: float | None = None) -> bool:
        """Whether ``identity`` has used up the current window, without counting an attempt."""
        key = self._key(identity, time.time() if now is None else now)
        return (cache.get(key) or 0) >= self.limit
