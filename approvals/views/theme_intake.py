"""The service window's page of a one-thing case (一窗受理): every member's service, department,
answers and materials on one page, and the four decisions on the whole — accept, accept with a
pledge for a member's material, one supplement notice covering every member and department,
refuse. A case outside the clerk's windows answers 404; a stale form 409.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals import dynamic_forms
from approvals.domain.lifecycle import TransitionNotAllowed
from approvals.forms.intake import AcceptForm, RefuseForm
from approvals.forms.theme_intake import CasePledgeForm, CaseSupplementRequestForm, case_choices
from approvals.models import ApplicationStatus
from approvals.selectors.theme_intake import (
    applicant_label,
    case_can_decide,
    case_intake_due_on,
    case_members,
    get_theme_case_for_intake,
    member_needs_a_look,
)
from approvals.services import theme_intake as services
from approvals.services.case_files import theme_case_file_open
from approvals.services.theme_supplement import theme_case_request_supplement
from approvals.views.intake import intake_clerk_required


def _forms(case, members, bound=None) -> dict:
    materials, pledgeable, fields = case_choices(case, members)
    initial = {"revision": case.revision}
    forms = {
        "accept": AcceptForm(initial=initial, auto_id="accept-%s"),
        "pledge": CasePledgeForm(initial=initial, materials=pledgeable, auto_id="pledge-%s"),
        "supplement": CaseSupplementRequestForm(
            initial=initial, materials=materials, fields=fields, auto_id="supplement-%s"
        ),
        "refuse": RefuseForm(initial=initial, auto_id="refuse-%s"),
    }
    forms.update(bound or {})
    return forms


def _member_rows(members) -> list[dict]:
    rows = []
    for member in members:
        version = member.service_version
        attachments = {}
        for attachment in member.attachments.all():
            attachments.setdefault(attachment.material_key, []).append(attachment)
        rows.append(
            {
                "application": member,
                "version": version,
                "department": version.item.department,
                # Folded on the page unless the window has something to check in it.
                "needs_a_look": member_needs_a_look(member),
                "answers": dynamic_forms.summary_rows(version.form_schema, member.data),
                "slots": [
                    {"material": material, "attachments": attachments.get(material.key, [])}
                    for material in version.materials.all()
                ],
            }
        )
    return rows


def _page(request, case, *, forms=None, status=200, stale=False, conflict=""):
    members = case_members(case)
    at_window = [m for m in members if m.status == ApplicationStatus.SUBMITTED]
    context = {
        "case": case,
        "version": case.version,
        "applicant": applicant_label(case),
        "members": _member_rows(members),
        "intake_due_on": case_intake_due_on(members),
        "forms": forms or _forms(case, at_window or members),
        "can_decide": case_can_decide(members),
        "stale": stale,
        "conflict": conflict,
    }
    return render(request, "approvals/themes/intake_case.html", context, status=status)


@intake_clerk_required
@require_GET
def case_page(request, pk: int):
    case = get_theme_case_for_intake(request.user, pk)
    theme_case_file_open(actor=request.user, case=case)
    return _page(request, case)


ACTIONS = {"accept", "pledge", "supplement", "refuse"}


def _bound(action, case, members, data):
    materials, pledgeable, fields = case_choices(case, members)
    auto_id = f"{action}-%s"
    if action == "accept":
        return AcceptForm(data, auto_id=auto_id)
    if action == "pledge":
        return CasePledgeForm(data, materials=pledgeable, auto_id=auto_id)
    if action == "supplement":
        return CaseSupplementRequestForm(data, materials=materials, fields=fields, auto_id=auto_id)
    return RefuseForm(data, auto_id=auto_id)


def _run(action: str, *, actor, case, form) -> str:
    data = form.cleaned_data
    common = {"actor": actor, "case": case, "revision": data["revision"]}
    if action == "accept":
        services.theme_case_accept(**common)
        return _("The case is accepted as a whole; each service has gone to its department.")
    if action == "pledge":
        services.theme_case_accept_with_pledge(
            **common, pledges=form.pledges(), due_on=data["due_on"], note=data["note"]
        )
        return _("The case is accepted with a pledge; each service has gone to its department.")
    if action == "supplement":
        theme_case_request_supplement(**common, items=form.case_items(), reply_by=data["reply_by"])
        return _("One supplement notice covering every service is sent; the time limits pause.")
    services.theme_case_refuse(
        **common,
        reasons=data["reasons"],
        competent_agency=data["competent_agency"],
        not_our_matter=data["not_our_matter"],
    )
    return _("The case is not accepted; the applicant is told why.")


@intake_clerk_required
@require_POST
def decide(request, pk: int, action: str):
    case = get_theme_case_for_intake(request.user, pk)
    if action not in ACTIONS:
        return _page(request, case, status=404)
    members = [m for m in case_members(case) if m.status == ApplicationStatus.SUBMITTED]
    form = _bound(action, case, members, request.POST)
    if form.is_valid():
        try:
            done = _run(action, actor=request.user, case=case, form=form)
        except services.StaleThemeCase as exc:
            return _page(request, exc.case, status=409, stale=True)
        except TransitionNotAllowed:
            case.refresh_from_db()
            return _page(
                request,
                case,
                status=409,
                conflict=_("This case is no longer at that step: see its state below."),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("approvals:intake_queue")
    return _page(request, case, forms=_forms(case, members, {action: form}), status=400)
