"""Credentials for the REST API: applicants' personal tokens and other systems' API clients.

Only a hash is stored; the raw secret is returned once, to be shown once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from approvals.models.api import ApiClient, ApiScope, PersonalToken
from approvals.selectors import policy
from audit.chain import audit_record

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def personal_token_create(*, actor: User, name: str) -> tuple[PersonalToken, str]:
    """A new token for ``actor``'s apps; returns it with the raw value (shown once)."""
    policy.require_can_hold_personal_token(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the token after the app that will use it.")]})
    live = PersonalToken.objects.filter(user=actor, revoked_at__isnull=True)
    if live.count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(_("You have too many tokens. Revoke one you no longer use."))
    token = PersonalToken(user=actor, name=name)
    raw = token.set_new_token()
    token.save()
    audit_record(
        action="api.token_created",
        actor=actor,
        obj=token,
        changes={"name": [None, name], "token_prefix": [None, token.token_prefix]},
    )
    return token, raw


@transaction.atomic
def personal_token_revoke(*, actor: User, token: PersonalToken) -> None:
    policy.require_own_token(actor, token)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        action="api.token_revoked",
        actor=actor,
        obj=token,
        changes={"revoked_at": [None, token.revoked_at]},
    )


@transaction.atomic
def api_client_create(
    *,
    actor: User | None,
    name: str,
    scopes: list[str],
    department: Department | None = None,
) -> tuple[ApiClient, str]:
    """A new API client (administrators: the admin or ``manage.py api_client_create``);
    returns it with its secret, shown once."""
    if actor is not None:
        policy.require_api_client_admin(actor)
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ValidationError({"scopes": [_("Unknown scopes: %(s)s") % {"s": ", ".join(unknown)}]})
    client = ApiClient(name=name.strip(), scopes=sorted(set(scopes)), department=department)
    raw = client.set_new_secret()
    client.full_clean()
    client.save()
    audit_record(
        action="api.client_created",
        actor=actor,
        obj=client,
        changes={
            "name": [None, client.name],
            "scopes": [None, client.scopes],
            "department": [None, department.pk if department else None],
        },
    )
    return client, raw


@transaction.atomic
def api_client_rotate_secret(*, actor: User | None, client: ApiClient) -> str:
    if actor is not None:
        policy.require_api_client_admin(actor)
    raw = client.set_new_secret()
    client.save(update_fields=["secret_hash", "secret_prefix"])
    audit_record(
        action="api.client_secret_rotated",
        actor=actor,
        obj=client,
        changes={"secret_prefix": [None, client.secret_prefix]},
    )
    return raw
