"""The six-digit query code (查询码) that lets anyone holding the tracking number look up the
progress without signing in.

Six digits are only 10^6 values: no hash, however slow, keeps them from someone who has the
stored hash, and a slow one (PBKDF2 took ~205 ms) made submission slow. What protects the code is
a key the database does not hold: HMAC-SHA256 keyed by a secret derived from ``SECRET_KEY`` for
this purpose alone (``SECRET_KEY_FALLBACKS`` still verify after a rotation), salted per
application so that equal codes do not show as equal hashes. Online guessing is stopped by the
lookup's rate limit. Codes stored before as Django password hashes (PBKDF2) still verify.
"""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.crypto import constant_time_compare, salted_hmac

QUERY_CODE_DIGITS = 6
ALGORITHM = "hmac_sha256"
# Names the purpose of the derived key: no other HMAC made from SECRET_KEY can stand in for it.
_KEY_SALT = "approvals.security.query_codes"


def new_query_code() -> str:
    return f"{secrets.randbelow(10**QUERY_CODE_DIGITS):0{QUERY_CODE_DIGITS}d}"


def _mac(code: str, salt: str, secret: str) -> str:
    return salted_hmac(_KEY_SALT, f"{salt}${code}", secret=secret, algorithm="sha256").hexdigest()


def hash_query_code(code: str) -> str:
    """What is stored: ``hmac_sha256$<salt>$<hex digest>``."""
    salt = secrets.token_hex(8)
    return f"{ALGORITHM}${salt}${_mac(code, salt, settings.SECRET_KEY)}"


def query_code_matches(code: str, stored: str) -> bool:
    """Does ``code`` match the stored hash? Compared in constant time."""
    code = (code or "").strip()
    algorithm, _, rest = stored.partition("$")
    if algorithm != ALGORITHM:
        # Stored before the change: a Django password hash (PBKDF2).
        return bool(stored) and check_password(code, stored)
    salt, _, digest = rest.partition("$")
    secrets_to_try = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    matches = False
    for secret in secrets_to_try:
        # No early exit: the time taken does not say which key matched.
        matches |= constant_time_compare(_mac(code, salt, secret), digest)
    return bool(digest) and matches
