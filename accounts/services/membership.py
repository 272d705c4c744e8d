"""A business's administrator invites and removes agents; an invited person accepts or declines."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import (
    Business,
    BusinessMembership,
    MembershipRole,
    MembershipStatus,
    User,
)
from audit.chain import audit_record


def business_agent_invite(
    *, actor: User, business: Business, identifier: str
) -> BusinessMembership:
    """Invite a registered person, named by email or mobile number, as an agent of the business."""
    policy.require_business_admin(actor, business)
    try:
        invitee = User.objects.get_by_login(identifier)
    except User.DoesNotExist:
        invitee = None
    if invitee is None or not invitee.is_active or not hasattr(invitee, "person"):
        raise ValidationError(
            {
                "identifier": [
                    _(
                        "No verified person uses this email address or mobile number. "
                        "They must sign up first."
                    )
                ]
            }
        )
    with transaction.atomic():
        existing = (
            BusinessMembership.objects.select_for_update()
            .filter(business=business, user=invitee)
            .exclude(status=MembershipStatus.REMOVED)
            .first()
        )
        if existing is not None:
            raise ValidationError(
                {
                    "identifier": [
                        _(
                            "This person is already a member of the business or has a "
                            "pending invitation."
                        )
                    ]
                }
            )
        membership = BusinessMembership.objects.create(
            business=business,
            user=invitee,
            role=MembershipRole.AGENT,
            status=MembershipStatus.INVITED,
            invited_by=actor,
        )
        audit_record(
            action="business.agent_invited",
            actor=actor,
            obj=membership,
            on_behalf_of=f"business:{business.pk}",
            changes={"status": [None, MembershipStatus.INVITED]},
        )
    return membership


def business_invitation_respond(
    *, actor: User, membership: BusinessMembership, accept: bool
) -> BusinessMembership:
    with transaction.atomic():
        membership = BusinessMembership.objects.select_for_update().get(pk=membership.pk)
        if membership.user_id != actor.pk:
            policy.deny(actor, "business.respond_invitation", membership)
        if membership.status != MembershipStatus.INVITED:
            raise ValidationError(_("This invitation is no longer open."))
        before = membership.status
        if accept:
            membership.status = MembershipStatus.ACTIVE
            membership.save(update_fields=["status"])
        else:
            membership.status = MembershipStatus.REMOVED
            membership.ended_at = timezone.now()
            membership.save(update_fields=["status", "ended_at"])
        audit_record(
            action="business.invitation_accepted" if accept else "business.invitation_declined",
            actor=actor,
            obj=membership,
            on_behalf_of=f"business:{membership.business_id}",
            changes={"status": [before, membership.status]},
        )
    return membership


def business_member_remove(
    *, actor: User, membership: BusinessMembership, reason: str = ""
) -> BusinessMembership:
    """Remove an agent (or withdraw an invitation). The last administrator cannot be removed."""
    with transaction.atomic():
        membership = (
            BusinessMembership.objects.select_for_update()
            .select_related("business")
            .get(pk=membership.pk)
        )
        policy.require_business_admin(actor, membership.business)
        if membership.status == MembershipStatus.REMOVED:
            raise ValidationError(_("This person is no longer a member."))
        if membership.role == MembershipRole.ADMIN:
            other_admins = BusinessMembership.objects.filter(
                business=membership.business,
                role=MembershipRole.ADMIN,
                status=MembershipStatus.ACTIVE,
            ).exclude(pk=membership.pk)
            if not other_admins.exists():
                raise PermissionDenied(_("A business must keep at least one administrator."))
        before = membership.status
        membership.status = MembershipStatus.REMOVED
        membership.ended_at = timezone.now()
        membership.save(update_fields=["status", "ended_at"])
        audit_record(
            action="business.member_removed",
            actor=actor,
            obj=membership,
            on_behalf_of=f"business:{membership.business_id}",
            reason=reason,
            changes={"status": [before, MembershipStatus.REMOVED]},
        )
    return membership


def business_agent_permissions_set(
    *,
    actor: User,
    membership: BusinessMembership,
    can_apply: bool,
    sees_all_applications: bool,
) -> BusinessMembership:
    """Let an agent apply for the business or not, and see all of its applications or only the
    ones they filed. Only the business's administrator decides; administrators themselves may
    always do everything, so their memberships are not changed here."""
    with transaction.atomic():
        membership = (
            BusinessMembership.objects.select_for_update()
            .select_related("business")
            .get(pk=membership.pk)
        )
        policy.require_business_admin(actor, membership.business)
        if membership.status == MembershipStatus.REMOVED:
            raise ValidationError(_("This person is no longer a member."))
        if membership.role != MembershipRole.AGENT:
            raise ValidationError(_("An administrator may always do everything."))
        changes = {}
        for field, value in (
            ("can_apply", bool(can_apply)),
            ("sees_all_applications", bool(sees_all_applications)),
        ):
            before = getattr(membership, field)
            if before != value:
                changes[field] = [before, value]
                setattr(membership, field, value)
        if changes:
            membership.save(update_fields=list(changes))
            audit_record(
                action="business.agent_permissions_changed",
                actor=actor,
                obj=membership,
                on_behalf_of=f"business:{membership.business_id}",
                changes=changes,
            )
    return membership
