"""Reads for per-application access grants (guardian's direct-FK ``view_application`` rows)."""

from django.db.models import Prefetch

from accounts.models import OfficialPosition, User
from approvals.models import Application, ApplicationUserObjectPermission

PERMISSION = "view_application"


def application_grantees(application: Application) -> list[User]:
    """The users granted ``view_application`` on ``application``, each with
    ``active_positions`` (their active positions, department loaded); constant queries."""
    rows = (
        ApplicationUserObjectPermission.objects.filter(
            content_object=application, permission__codename=PERMISSION
        )
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__positions",
                queryset=OfficialPosition.objects.filter(is_active=True)
                .select_related("department")
                .order_by("department__code"),
                to_attr="active_positions",
            )
        )
        .order_by("user__display_name", "user__email")
    )
    return [row.user for row in rows]
