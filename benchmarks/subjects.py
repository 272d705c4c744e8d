"""Who the benchmark signs in as, and their verified sessions and tokens.

The subjects are the users issue 12 measured: a reviewer with many open tasks, a department head,
a citizen with many applications, a supervisor and an intake clerk. ``seed_scale`` names them in a
JSON file (``{"reviewer": "email" | id | {"email": …} | {"id": …}, …}``); without one (or for a
role it does not name), they are picked by query: the busiest of each kind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

ROLES = ("reviewer", "department_head", "citizen", "supervisor", "intake_clerk")
# Other names seed_scale may use for the same subjects.
ALIASES = {"head": "department_head", "clerk": "intake_clerk", "intake": "intake_clerk"}


@dataclass
class Subject:
    role: str
    user: object
    source: str  # "seed_scale" or "query"


def _user_from(value):
    from accounts.models import User

    if isinstance(value, dict):
        value = value.get("email") or value.get("id") or value.get("user_id") or value.get("pk")
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return User.objects.filter(pk=int(value)).first()
    if isinstance(value, str):
        return User.objects.filter(email=value).first()
    return None


def _from_file(path: Path | None) -> dict:
    if path is None or not path.exists():
        return {}
    data = json.loads(path.read_text())
    if isinstance(data, dict) and isinstance(data.get("subjects"), dict):
        data = data["subjects"]
    found = {}
    for key, value in data.items():
        role = ALIASES.get(key, key)
        if role in ROLES and (user := _user_from(value)) is not None:
            found[role] = user
    return found


def _busiest_official(role: str):
    """The active official of ``role`` whose department has the most open tasks they may see."""
    from django.db.models import Count, OuterRef, Q, Subquery

    from accounts.models import OfficialPosition
    from approvals.models import ReviewTask

    open_tasks = ReviewTask.objects.filter(status="open", department_id=OuterRef("department_id"))
    if role != "department_head":
        open_tasks = open_tasks.filter(role=role)
    open_tasks = open_tasks.order_by().values("department_id").annotate(n=Count("pk")).values("n")
    position = (
        OfficialPosition.objects.filter(role=role, is_active=True, user__is_active=True)
        .annotate(open_tasks=Subquery(open_tasks))
        .filter(Q(open_tasks__gt=0))
        .order_by("-open_tasks", "user_id")
        .select_related("user")
        .first()
    )
    return position.user if position else None


def _by_query(role: str):
    from django.db.models import Count

    from accounts.models import OfficialPosition, User
    from approvals.models import Application

    if role in ("reviewer", "department_head"):
        return _busiest_official(role)
    if role == "citizen":
        top = (
            Application.objects.filter(person__isnull=False, person__user__positions__isnull=True)
            .values("person__user_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "person__user_id")
            .first()
        )
        return User.objects.get(pk=top["person__user_id"]) if top else None
    if role == "intake_clerk":
        busiest = (
            Application.objects.filter(status="submitted")
            .values("service_version__item__department_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        positions = OfficialPosition.objects.filter(
            role="intake_clerk", is_active=True, user__is_active=True
        ).order_by("user_id")
        if busiest:
            same = positions.filter(department_id=busiest["service_version__item__department_id"])
            if same.exists():
                positions = same
        position = positions.select_related("user").first()
        return position.user if position else None
    if role == "supervisor":
        position = (
            OfficialPosition.objects.filter(
                role="supervisor", is_active=True, user__is_active=True, user__is_staff=True
            )
            .select_related("user")
            .order_by("user_id")
            .first()
        )
        return position.user if position else None
    raise ValueError(role)


def pick_subjects(path: Path | None) -> dict[str, Subject]:
    named = _from_file(path)
    subjects = {}
    for role in ROLES:
        if role in named:
            subjects[role] = Subject(role, named[role], "seed_scale")
        elif (user := _by_query(role)) is not None:
            subjects[role] = Subject(role, user, "query")
    return subjects


def verified_session_cookie(user) -> str:
    """A session as the sign-in and second-factor pages leave it (django.contrib.auth's keys and
    django-otp's verified device), stored by the configured session engine: the middleware
    cannot tell it from a browser's. Officials get a confirmed TOTP device named "bench"."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "accounts.backends.EmailOrMobileBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.requires_second_factor:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def personal_token(user) -> str:
    from approvals.models.api import PersonalToken

    token = PersonalToken(user=user, name="bench")
    raw = token.set_new_token()
    token.save()
    return raw
