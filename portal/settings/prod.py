"""Production: the same code, with the safety settings on, and refusal to start without them."""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.base import PORTAL_BASE_URL, SECRET_KEY, logging_config
from portal.settings.env import env_bool, env_int, env_str

DEBUG = False

# Operators' log shippers read one JSON object a line (LOG_FORMAT=console for readable lines).
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = logging_config(LOG_FORMAT)

if SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters in production."
    )
if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured("DJANGO_DEBUG must not be on in production.")


def _base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the public address printed on sealed documents, or None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return "must be an https:// address"
    host = parts.hostname.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "must not be a loopback address"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified:
        return "must not be a loopback address"
    return None


# The address is printed (as a QR code) on every sealed document, which can never be corrected.
if problem := _base_url_problem(PORTAL_BASE_URL):
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL {problem} in production (the public https:// address that citizens "
        f"reach; it is printed on every issued document), not {PORTAL_BASE_URL!r}."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Off unless asked for: preloading binds the whole registered domain and every subdomain to HTTPS
# in browsers for months, beyond the portal's control (docs/deployment.md, "HSTS preload").
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", True):
    # The load balancer terminates TLS and says so in this header; it must strip the client's own.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Seals come from the government CA under SEAL_CERT_DIR; never a self-made demo CA. A missing
# department certificate makes that department's PDF renders fail (and retry) until installed.
SEAL_DEMO_CA = False
