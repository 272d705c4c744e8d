"""Per-application access for officials outside the task's department and role: an extra reviewer,
a supervisor opening a case. Guardian's direct-FK object permission ``view_application``; every
grant and revocation is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from approvals.models import Application
from approvals.selectors import policy
from approvals.services.notices import notice_access_granted
from approvals.services.notifications import notify
from audit.chain import audit_record

PERMISSION = "view_application"


@transaction.atomic
def grant_application_access(
    *, actor: User, application: Application, user: User, reason: str
) -> None:
    policy.require_grant_manager(actor, application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this person needs access.")]})
    assign_perm(PERMISSION, user, application)
    audit_record(
        action="permission.granted",
        actor=actor,
        obj=application,
        reason=reason,
        changes={"user": [None, user.pk], "permission": [None, PERMISSION]},
    )
    notify(
        user=user,
        application=application,
        **notice_access_granted(application, reason=reason).fields(),
    )


@transaction.atomic
def revoke_application_access(
    *, actor: User, application: Application, user: User, reason: str = ""
) -> None:
    policy.require_grant_manager(actor, application)
    remove_perm(PERMISSION, user, application)
    audit_record(
        action="permission.revoked",
        actor=actor,
        obj=application,
        reason=(reason or "").strip(),
        changes={"user": [user.pk, None], "permission": [PERMISSION, None]},
    )
