"""django-axes hooks: which identifier a failed sign-in counts against, and the lockout page.

Failures are counted per account whichever identifier (email or mobile) was typed, and per typed
identifier when no account has it, so that the lockout behaves the same either way and says
nothing about whether an account exists.
"""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render

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


def lockout_response(request, original_response=None, credentials=None):
    from accounts.forms import LoginForm
    from accounts.views.auth import safe_next

    cool_off = get_cool_off(request)
    form = LoginForm(request, data=None, initial={"username": typed_identifier(credentials)})
    context = {
        "form": form,
        "locked_out": True,
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "next": safe_next(request, ""),
    }
    return render(request, "accounts/login.html", context, status=429)


def lockout_key_for_user(user) -> str:
    """The identifier failures against ``user``'s account are counted under."""
    return f"user:{user.pk}"


def lockout_lift(*, user) -> int:
    """Forget the failed sign-ins counted against ``user``'s account; how many were forgotten."""
    from axes.utils import reset

    return reset(username=lockout_key_for_user(user))
