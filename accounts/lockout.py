"""django-axes hooks: which identifier a failed sign-in counts against, and the lockout page.

Failures are counted per account whichever identifier (email or mobile) was typed, and per typed
identifier when no account has it, so that the lockout behaves the same either way and says
nothing about whether an account exists.
"""

from django.contrib.auth import get_user_model
from django.shortcuts import render


def canonical_login_identifier(request, credentials) -> str | None:
    identifier = (credentials or {}).get("username") or ""
    identifier = identifier.strip().lower()
    if not identifier:
        return None
    user_model = get_user_model()
    try:
        return f"user:{user_model.objects.get_by_login(identifier).pk}"
    except user_model.DoesNotExist:
        return identifier


def lockout_response(request, original_response=None, credentials=None):
    from accounts.forms import LoginForm

    form = LoginForm(request, data=None, initial={"username": (credentials or {}).get("username")})
    return render(request, "accounts/login.html", {"form": form, "locked_out": True}, status=429)
