"""Audit events for signing in and out, failed sign-ins and lockouts.

The receivers only record; the decisions are made by Django's authentication and django-axes.
When a sign-in fails nobody is signed in, so the event names no actor: it keeps the typed
identifier in masked form only (never the password), and refers to the account when one has it.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from accounts.identifiers import is_valid_mobile, mask_mobile
from accounts.lockout import (
    canonical_login_identifier,
    lockout_key_for_user,
    slow_down_clear,
    slow_down_record_failure,
    typed_identifier,
)
from accounts.validators import normalize_mobile
from audit.chain import audit_record
from audit.models import AuditOutcome


def mask_login_identifier(identifier: str) -> str:
    """``li.lei@example.cn`` → ``li***@example.cn``; ``13800138000`` → ``138****8000``; anything
    else (perhaps a password typed into the wrong box) → ``***``."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        local, _, domain = identifier.rpartition("@")
        return f"{local[: 2 if len(local) > 3 else 1]}***@{domain.lower()}"
    mobile = normalize_mobile(identifier)
    if is_valid_mobile(mobile):
        return mask_mobile(mobile)
    return "***"


def _account_for(identifier: str):
    user_model = get_user_model()
    try:
        return user_model.objects.get_by_login(identifier) if identifier.strip() else None
    except user_model.DoesNotExist:
        return None


def _record_denied(action: str, identifier: str) -> None:
    audit_record(
        action=action,
        obj=_account_for(identifier),
        outcome=AuditOutcome.DENIED,
        changes={"identifier": [None, mask_login_identifier(identifier)]},
    )


def record_signed_in(sender, request, user, **kwargs):
    slow_down_clear(lockout_key_for_user(user))
    audit_record(action="auth.signed_in", actor=user, obj=user)


def record_signed_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit_record(action="auth.signed_out", actor=user, obj=user)


def record_sign_in_failed(sender, credentials, request=None, **kwargs):
    key = canonical_login_identifier(request, credentials)
    if key:
        slow_down_record_failure(key)
    _record_denied("auth.sign_in_failed", typed_identifier(credentials))


def record_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    credentials = getattr(request, "axes_credentials", None)
    identifier = typed_identifier(credentials)
    account = _account_for(identifier)
    if account is not None and account.requires_second_factor:
        # An official's account: supervisors see where the attempts came from (电子监察).
        audit_record(
            action="auth.official_locked_out",
            obj=account,
            outcome=AuditOutcome.DENIED,
            changes={
                "identifier": [None, mask_login_identifier(identifier)],
                "client_ip": [None, ip_address or ""],
            },
        )
        return
    _record_denied("auth.locked_out", identifier)


def connect() -> None:
    user_logged_in.connect(record_signed_in, dispatch_uid="accounts.audit.signed_in")
    user_logged_out.connect(record_signed_out, dispatch_uid="accounts.audit.signed_out")
    user_login_failed.connect(record_sign_in_failed, dispatch_uid="accounts.audit.failed")
    user_locked_out.connect(record_locked_out, dispatch_uid="accounts.audit.locked_out")
