"""django-axes hooks: which identifier a failed sign-in counts against, and the lockout page;
and the account-wide slow-down.

Failures are counted per account whichever identifier (email or mobile) was typed, and per typed
identifier when no account has it, so that the lockout behaves the same either way and says
nothing about whether an account exists. django-axes pauses sign-in for the account from the
address the failures came from only (``AXES_LOCKOUT_PARAMETERS``).
"""

import math
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache

from accounts.validators import normalize_mobile


def typed_identifier(credentials) -> str:
    """What the person typed into the sign-in form's identifier field."""
    credentials = credentials or {}
    return str(credentials.get(settings.AXES_USERNAME_FORM_FIELD) or "")


def canonical_login_identifier(request, credentials) -> str | None:
    identifier = typed_identifier(credentials).strip()
    if not identifier:
        return None
    user_model = get_user_model()
    try:
        return lockout_key_for_user(user_model.objects.get_by_login(identifier))
    except user_model.DoesNotExist:
        pass
    # No account: count against the identifier in the form the accounts store it, so that
    # "+86 138 0013 8000" and "13800138000" are one identifier, as they would be with an account.
    return identifier.lower() if "@" in identifier else normalize_mobile(identifier)


def lockout_key_for_user(user) -> str:
    """The identifier failures against ``user``'s account are counted under."""
    return f"user:{user.pk}"


def lockout_lift(*, user) -> int:
    """Forget the failed sign-ins counted against ``user``'s account; how many were forgotten."""
    from axes.utils import reset

    key = lockout_key_for_user(user)
    slow_down_clear(key)
    return reset(username=key)


# --- The account-wide slow-down ------------------------------------------------------------------
#
# django-axes pauses an account only for the client address the failures came from (account AND
# address), so a stranger cannot lock the owner out. Failures from many addresses together slow
# the account down instead: past ``SLOW_DOWN_AFTER`` failures, each attempt must wait twice as long
# as the last, up to ``SLOW_DOWN_MAX_SECONDS``. The owner gets in all the same from a browser that
# signed in to the account before (a signed cookie), or through the password-reset link, which
# clears the count.

SLOW_DOWN_AFTER = 10
SLOW_DOWN_MAX_SECONDS = 5 * 60
KNOWN_BROWSER_COOKIE = "portal_known_signin"
KNOWN_BROWSER_MAX_AGE = 180 * 24 * 60 * 60
_KNOWN_BROWSER_SALT = "accounts.lockout.known_browser"


def _slow_down_key(identifier_key: str) -> str:
    return f"signin-slowdown:{identifier_key}"


def slow_down_seconds(failures: int) -> int:
    """How long an attempt must wait after the last failure, given the failures counted so far."""
    if failures < SLOW_DOWN_AFTER:
        return 0
    return min(2 ** (failures - SLOW_DOWN_AFTER), SLOW_DOWN_MAX_SECONDS)


def slow_down_record_failure(identifier_key: str, *, now: float | None = None) -> None:
    key = _slow_down_key(identifier_key)
    state = cache.get(key) or {"failures": 0, "last": 0.0}
    state = {"failures": state["failures"] + 1, "last": time.time() if now is None else now}
    cache.set(key, state, timeout=int(get_cool_off_seconds()))


def slow_down_remaining(identifier_key: str, *, now: float | None = None) -> int:
    """Seconds left before ``identifier_key`` may try again (0: it may now)."""
    state = cache.get(_slow_down_key(identifier_key))
    if not state:
        return 0
    now = time.time() if now is None else now
    return max(0, math.ceil(state["last"] + slow_down_seconds(state["failures"]) - now))


def slow_down_clear(identifier_key: str) -> None:
    cache.delete(_slow_down_key(identifier_key))


def get_cool_off_seconds() -> float:
    return settings.AXES_COOLOFF_TIME * 60 * 60


def known_browser_value(user) -> str:
    return signing.dumps(lockout_key_for_user(user), salt=_KNOWN_BROWSER_SALT)


def is_known_browser(request, identifier_key: str) -> bool:
    """Whether this browser signed in to the account ``identifier_key`` names before."""
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE)
    if not value:
        return False
    try:
        known = signing.loads(value, salt=_KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_MAX_AGE)
    except signing.BadSignature:
        return False
    return known == identifier_key
