"""Business pages: register a business, see it and its members, invite and remove agents, answer
invitations. Each view parses input, calls one selector or service, and renders; the services
check permissions and write the audit events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.business_forms import (
    AgentInviteForm,
    AgentPermissionsForm,
    BusinessRegisterForm,
    InvitationResponseForm,
    MemberRemoveForm,
)
from accounts.models import MembershipRole, MembershipStatus
from accounts.registries import RegistryUnavailable
from accounts.selectors import (
    business_members,
    get_business_for_admin,
    get_business_for_member,
    get_invitation_for_invitee,
    get_membership_for_admin,
)
from accounts.services.membership import (
    business_agent_invite,
    business_agent_permissions_set,
    business_invitation_respond,
    business_member_remove,
)
from accounts.services.registration import business_register


def _member_name(membership) -> str:
    """The name the members table shows: the person's registered name, else the account's."""
    person = getattr(membership.user, "person", None)
    return person.real_name if person is not None else membership.user.get_full_name()


def _bound_data(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    if getattr(request.user, "person", None) is None:
        # Only a person verified against the population registry can be a legal representative.
        return render(request, "accounts/business/register_unavailable.html", status=403)
    form = BusinessRegisterForm(_bound_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            business = business_register(user=request.user, uscc=form.cleaned_data["uscc"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        except RegistryUnavailable:
            form.add_error(
                None,
                _(
                    "The legal-person registry cannot be reached at the moment. Please try again "
                    "in a few minutes."
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "%(name)s is registered. Its details were taken from the legal-person "
                    "registry and you are its administrator."
                )
                % {"name": business.name},
            )
            return redirect("accounts:business_detail", pk=business.pk)
    return render(request, "accounts/business/register.html", {"form": form})


def _render_business_page(request, business, *, invite_form=None):
    is_admin = business.viewer_membership.role == MembershipRole.ADMIN
    if is_admin and invite_form is None:
        invite_form = AgentInviteForm()
    members = business_members(business)
    if is_admin:
        for member in members:
            if member.role == MembershipRole.AGENT:
                member.permissions_form = AgentPermissionsForm(
                    initial={
                        "can_apply": member.can_apply,
                        "sees_all_applications": member.sees_all_applications,
                    },
                    prefix=f"member-{member.pk}",
                )
    return render(
        request,
        "accounts/business/detail.html",
        {
            "business": business,
            "viewer_membership": business.viewer_membership,
            "is_admin": is_admin,
            "members": members,
            "ROLE_AGENT": MembershipRole.AGENT,
            "invite_form": invite_form,
            "STATUS_INVITED": MembershipStatus.INVITED,
        },
    )


@login_required
@require_GET
def detail(request, pk: int):
    business = get_business_for_member(request.user, pk)
    return _render_business_page(request, business)


@login_required
@require_POST
def agent_invite(request, pk: int):
    business = get_business_for_admin(request.user, pk)
    form = AgentInviteForm(request.POST)
    if form.is_valid():
        try:
            membership = business_agent_invite(
                actor=request.user, business=business, identifier=form.cleaned_data["identifier"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is invited as an agent. The invitation waits on their account page "
                    "until they accept or decline it."
                )
                % {"name": _member_name(membership)},
            )
            return redirect("accounts:business_detail", pk=business.pk)
    return _render_business_page(request, business, invite_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, pk: int, membership_pk: int):
    """GET shows the confirmation page (no JavaScript needed); POST removes the member."""
    membership = get_membership_for_admin(request.user, pk, membership_pk)
    business = membership.business
    form = MemberRemoveForm(_bound_data(request))
    if request.method == "POST" and form.is_valid():
        was_invited = membership.status == MembershipStatus.INVITED
        try:
            business_member_remove(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            name = _member_name(membership)
            if was_invited:
                text = _("The invitation to %(name)s is withdrawn.") % {"name": name}
            else:
                text = _("%(name)s no longer acts for %(business)s.") % {
                    "name": name,
                    "business": business.name,
                }
            messages.success(request, text)
        return redirect("accounts:business_detail", pk=business.pk)
    return render(
        request,
        "accounts/business/member_remove_confirm.html",
        {
            "business": business,
            "membership": membership,
            "is_invitation": membership.status == MembershipStatus.INVITED,
            "form": form,
        },
    )


@login_required
@require_POST
def agent_permissions(request, pk: int, membership_pk: int):
    """The administrator sets what one agent may do; back to the business page either way."""
    membership = get_membership_for_admin(request.user, pk, membership_pk)
    form = AgentPermissionsForm(request.POST, prefix=f"member-{membership.pk}")
    form.is_valid()  # two optional checkboxes: always valid
    name = _member_name(membership)
    try:
        business_agent_permissions_set(
            actor=request.user,
            membership=membership,
            can_apply=form.cleaned_data.get("can_apply", False),
            sees_all_applications=form.cleaned_data.get("sees_all_applications", False),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The permissions of %(name)s are saved.") % {"name": name})
    return redirect("accounts:business_detail", pk=membership.business.pk)


@login_required
@require_POST
def invitation_respond(request, pk: int):
    invitation = get_invitation_for_invitee(request.user, pk)
    form = InvitationResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or decline the invitation."))
        return redirect("accounts:home")
    try:
        business_invitation_respond(actor=request.user, membership=invitation, accept=form.accepted)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:home")
    business = invitation.business
    if form.accepted:
        messages.success(
            request, _("You now act for %(business)s as its agent.") % {"business": business.name}
        )
        return redirect("accounts:business_detail", pk=business.pk)
    messages.success(
        request,
        _("You declined the invitation from %(business)s.") % {"business": business.name},
    )
    return redirect("accounts:home")
