"""The licence register's pages: the holder's "My licences" with change and renewal, the issuing
department's register with revocation and cancellation, citing a licence instead of an upload
(材料复用), and the public list of approval decisions (Art. 40)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.domain.china_time import china_today
from approvals.forms.licences import DecisionSearchForm, LicenceStatusReasonForm
from approvals.models import LicenceAction, LicenceEffectiveStatus
from approvals.selectors import policy
from approvals.selectors.applications import businesses_applying_for
from approvals.selectors.licences import (
    certificate,
    decision_departments,
    get_licence_for_holder,
    get_licence_for_official,
    licence_status_reason,
    licences_for_holder,
    licences_for_official,
    published_decisions,
    verification_path,
)
from approvals.services.applications import step_keys
from approvals.services.licences import (
    RENEWAL_STATUTORY_DAYS_BEFORE,
    follow_up_problem,
    licence_cancel,
    licence_follow_up_start,
    licence_revoke,
)
from approvals.views.work import official_required

REGISTER_PAGE_SIZE = 50
MY_LICENCES_LIMIT = 200


def _licence_row(licence, *, today=None) -> dict:
    document = certificate(licence)
    status = licence.effective_status(today)
    return {
        "licence": licence,
        "service": licence.application.service_version.name,
        "status": status,
        "status_label": LicenceEffectiveStatus(status).label,
        "in_force": status == LicenceEffectiveStatus.VALID,
        "certificate": document,
        "verify_url": verification_path(document.verification_code) if document else "",
    }


# --- The holder ---------------------------------------------------------------------------------


@login_required
@require_GET
def my_licences(request):
    rows = []
    # Change and renewal are new applications: only for those who may apply for the holder.
    applying_for = set(businesses_applying_for(request.user).values_list("pk", flat=True))
    for licence in licences_for_holder(request.user)[:MY_LICENCES_LIMIT]:
        row = _licence_row(licence)
        may_apply = (
            licence.business_id in applying_for
            if licence.business_id is not None
            else licence.person.user_id == request.user.pk
        )
        row["can_change"] = may_apply and not follow_up_problem(licence, LicenceAction.CHANGE)
        row["can_renew"] = may_apply and not follow_up_problem(licence, LicenceAction.RENEWAL)
        rows.append(row)
    return render(request, "approvals/licences/mine.html", {"rows": rows})


@login_required
@require_POST
def follow_up(request, pk: int, action: str):
    """Start a change or renewal application for one of my licences, then open its first step."""
    licence = get_licence_for_holder(request.user, pk)
    if action not in LicenceAction.values:
        raise Http404
    try:
        application = licence_follow_up_start(actor=request.user, licence=licence, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("approvals:my_licences") + f"#licence-{licence.pk}")
    except PermissionDenied:
        raise Http404 from None
    if action == LicenceAction.RENEWAL and licence.valid_to is not None:
        days_left = (licence.valid_to - china_today()).days
        if days_left < RENEWAL_STATUTORY_DAYS_BEFORE:
            messages.warning(
                request,
                _(
                    "The law asks for a renewal at least %(days)s days before the licence "
                    "expires (Administrative Licensing Law, Art. 50). The department may not "
                    "decide before your licence expires."
                )
                % {"days": RENEWAL_STATUTORY_DAYS_BEFORE},
            )
    first_step = step_keys(application.service_version)[0]
    return redirect("approvals:application_step", pk=application.pk, step_key=first_step)


# --- The issuing department ---------------------------------------------------------------------


@official_required(*policy.LICENCE_REGISTER_ROLES)
@require_GET
def register(request):
    number = request.GET.get("number", "")[:60]
    queryset = licences_for_official(request.user, number=number)
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    start = (page - 1) * REGISTER_PAGE_SIZE
    found = list(queryset[start : start + REGISTER_PAGE_SIZE + 1])
    return render(
        request,
        "approvals/licences/register.html",
        {
            "rows": [_licence_row(licence) for licence in found[:REGISTER_PAGE_SIZE]],
            "number": number,
            "page": page,
            "has_next": len(found) > REGISTER_PAGE_SIZE,
        },
    )


@official_required(*policy.LICENCE_REGISTER_ROLES)
@require_GET
def register_detail(request, pk: int):
    licence = get_licence_for_official(request.user, pk)
    row = _licence_row(licence)
    return render(
        request,
        "approvals/licences/detail.html",
        {
            "row": row,
            "licence": licence,
            "status_reason": licence_status_reason(licence),
            "may_manage": policy.may_manage_licence(request.user, licence)
            and licence.status == "valid",
            "may_correct": row["certificate"] is not None
            and row["certificate"].status == "valid"
            and row["certificate"].department_id
            in policy.document_correction_department_ids(request.user),
        },
    )


def _status_change(request, pk: int, *, service, template_action: str, done: str):
    licence = get_licence_for_official(request.user, pk)
    if not policy.may_manage_licence(request.user, licence):
        raise Http404
    form = LicenceStatusReasonForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service(actor=request.user, licence=licence, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, done % {"number": licence.number})
                return redirect("approvals:licence_register_detail", pk=licence.pk)
        status = 400
    return render(
        request,
        "approvals/licences/status_change.html",
        {"licence": licence, "form": form, "action": template_action},
        status=status,
    )


@official_required(*policy.LICENCE_MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    return _status_change(
        request,
        pk,
        service=licence_revoke,
        template_action="revoke",
        done=_("%(number)s is revoked."),
    )


@official_required(*policy.LICENCE_MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    return _status_change(
        request,
        pk,
        service=licence_cancel,
        template_action="cancel",
        done=_("%(number)s is cancelled."),
    )


# --- Published decisions (Art. 40) --------------------------------------------------------------


@require_GET
def decisions(request):
    form = DecisionSearchForm(request.GET or None, departments=decision_departments())
    try:
        page_number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page_number = 1
    page = published_decisions(form.filters(), page=page_number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "approvals/licences/decisions.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
