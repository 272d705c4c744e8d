"""The database URL of one scale: ``NAME_<scale>`` on the server of the base URL.

python -m benchmarks.dburl postgres://u:p@host:5433/portal_bench 10000
→ postgres://u:p@host:5433/portal_bench_10000
"""

import sys
from urllib.parse import urlsplit, urlunsplit


def scale_url(base: str, scale: int) -> str:
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"make bench needs PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    name = parts.path.lstrip("/") or "portal_bench"
    return urlunsplit(parts._replace(path=f"/{name}_{int(scale)}"))


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


if __name__ == "__main__":
    if sys.argv[1] == "--redact":
        print(redact(sys.argv[2]))
    else:
        print(scale_url(sys.argv[1], int(sys.argv[2])))
