"""The applicant's one page for a one-thing case's supplement notice (一次性告知 across
departments): every item of every department once, one upload for a material several members
asked for, the corrected answers, and "Send my supplement" — once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals.forms.intake import SupplementAnswerForm, SupplementCorrectionForm
from approvals.security.uploads import UploadRejected
from approvals.selectors.theme_intake import get_theme_case_for_applicant, supplement_targets
from approvals.services.intake import supplement_fields
from approvals.services.notices import case_link
from approvals.services.theme_supplement import (
    case_missing_materials,
    field_title,
    open_case_requests,
    theme_case_supplement_answer,
    theme_case_supplement_upload,
)


def _correction_forms(requests, data=None) -> dict:
    forms = {}
    for request in requests:
        member = request.application
        names = supplement_fields(request)
        if names:
            form = SupplementCorrectionForm(
                data,
                properties=member.service_version.form_schema.get("properties", {}),
                names=names,
                stored=member.data,
                prefix=f"data-{member.theme_member_key}",
            )
            form.service_name = member.service_version.name  # the fieldset's legend
            forms[member.theme_member_key] = form
    return forms


def _items(case, requests, upload_errors) -> list[dict]:
    """Each item once: a material asked by several members is one row with one upload."""
    targets = {t.key: t for t in supplement_targets(case, [r.application for r in requests])}
    missing = set(case_missing_materials(case))
    rows, seen = [], set()
    for request in requests:
        member = request.application
        version = member.service_version
        attachments = {}
        for attachment in member.attachments.all():
            attachments.setdefault(attachment.material_key, []).append(attachment)
        for item in request.items:
            key = item.get("target") or (
                f"{member.theme_member_key}:{item['material']}" if item.get("material") else ""
            )
            if key and key in seen:
                continue
            seen.add(key)
            target = targets.get(key)
            if item.get("material"):
                label = target.name if target else item["material"]
            elif item.get("field"):
                label = f"{version.name} — {field_title(version, item['field'])}"
            else:
                label = ""
            rows.append(
                {
                    "key": key if item.get("material") else "",
                    "anchor": len(rows) + 1,
                    "label": label,
                    "problem": item["problem"],
                    "attachments": attachments.get(item.get("material"), [])
                    if item.get("material")
                    else [],
                    "renewed": bool(item.get("material")) and key not in missing,
                    "errors": (upload_errors or {}).get(key, []),
                    "field": bool(item.get("field")),
                }
            )
    return rows


def _render(
    request, case, requests, *, form=None, corrections=None, upload_errors=None, status=200
):
    return render(
        request,
        "approvals/themes/supplement_answer.html",
        {
            "case": case,
            "version": case.version,
            "reply_by": requests[0].reply_by,
            "items": _items(case, requests, upload_errors),
            "form": form or SupplementAnswerForm(),
            "corrections": corrections if corrections is not None else _correction_forms(requests),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk: int):
    case = get_theme_case_for_applicant(request.user, pk)
    requests = open_case_requests(case)
    if not requests:
        messages.info(request, _("There is no supplement to send for this application."))
        return redirect(case_link(case))
    if request.method == "GET":
        return _render(request, case, requests)
    form = SupplementAnswerForm(request.POST)
    corrections = _correction_forms(requests, request.POST)
    valid = form.is_valid()
    for correction in corrections.values():
        valid = correction.is_valid() and valid
    if valid:
        try:
            theme_case_supplement_answer(
                actor=request.user,
                case=case,
                comment=form.cleaned_data["comment"],
                corrections={key: c.corrections() for key, c in corrections.items()},
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Your supplement is sent. The service window will check it.")
            )
            return redirect(case_link(case))
    return _render(request, case, requests, form=form, corrections=corrections, status=400)


@login_required
@require_POST
def upload(request, pk: int, target: str):
    case = get_theme_case_for_applicant(request.user, pk)
    requests = open_case_requests(case)
    if not requests:
        raise Http404
    uploaded = request.FILES.get("file")
    if uploaded is None:
        errors = {target: [_("Choose a file to upload.")]}
        return _render(request, case, requests, upload_errors=errors, status=400)
    try:
        attachments = theme_case_supplement_upload(
            actor=request.user, case=case, target=target, uploaded_file=uploaded
        )
    except ValidationError:
        raise Http404 from None
    except UploadRejected as exc:
        errors = {target: [exc.message]}
        return _render(request, case, requests, upload_errors=errors, status=400)
    messages.success(request, _("%(name)s is attached.") % {"name": attachments[0].display_name})
    return redirect(reverse("approvals:theme_case_supplement", args=[case.pk]))
