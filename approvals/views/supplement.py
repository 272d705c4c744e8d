"""The applicant's supplement page: what the service window asked for (一次性告知), a re-upload
slot for each listed material, and "Send my supplement" — once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals.domain.lifecycle import AWAITING_SUPPLEMENT
from approvals.forms.intake import SupplementAnswerForm, SupplementCorrectionForm
from approvals.security.uploads import UploadRejected
from approvals.selectors.applications import application_attachments, get_application_for_editing
from approvals.services.attachments import attachment_upload
from approvals.services.intake import (
    open_supplement_request,
    supplement_answer,
    supplement_fields,
    supplement_missing_materials,
)


def _open_request(request, pk: int):
    application = get_application_for_editing(request.user, pk)
    notice = open_supplement_request(application)
    if notice is None or application.status not in AWAITING_SUPPLEMENT:
        return application, None
    return application, notice


def _answered_with_its_case(application, notice) -> bool:
    # 一件事: the window's one notice for a whole case is answered once, on the case's page.
    return application.theme_case_id is not None and not notice.during_review


def _correction_form(application, notice, data=None) -> SupplementCorrectionForm:
    return SupplementCorrectionForm(
        data,
        properties=application.service_version.form_schema.get("properties", {}),
        names=supplement_fields(notice),
        stored=application.data,
        prefix="data",
    )


def _render(
    request, application, notice, *, form=None, corrections=None, upload_errors=None, status=200
):
    names = {m.key: m for m in application.service_version.materials.all()}
    corrections = corrections or _correction_form(application, notice)
    attachments = application_attachments(application)
    missing = set(supplement_missing_materials(notice))
    items = [
        {
            "material": names.get(item["material"]),
            "key": item["material"],
            "problem": item["problem"],
            "attachments": attachments.get(item["material"], []),
            "renewed": bool(item["material"]) and item["material"] not in missing,
            "errors": (upload_errors or {}).get(item["material"], []),
            "field": corrections[item["field"]] if item.get("field") else None,
        }
        for item in notice.items
    ]
    return render(
        request,
        "approvals/supplement/answer.html",
        {
            "application": application,
            "version": application.service_version,
            "notice": notice,
            "items": items,
            "form": form or SupplementAnswerForm(),
            "corrections": corrections,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, pk: int):
    application, notice = _open_request(request, pk)
    if notice is None:
        messages.info(request, _("There is no supplement to send for this application."))
        return redirect("approvals:application_detail", pk=application.pk)
    if _answered_with_its_case(application, notice):
        return redirect("approvals:theme_case_supplement", pk=application.theme_case_id)
    if request.method == "GET":
        return _render(request, application, notice)
    form = SupplementAnswerForm(request.POST)
    corrections = _correction_form(application, notice, request.POST)
    if form.is_valid() & corrections.is_valid():
        try:
            supplement_answer(
                actor=request.user,
                application=application,
                comment=form.cleaned_data["comment"],
                corrections=corrections.corrections(),
            )
        except ValidationError as exc:
            fields = set(corrections.names)
            if hasattr(exc, "error_dict") and fields & set(exc.error_dict):
                corrections.add_service_errors(exc)
            else:
                form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Your supplement is sent. The service window will check it.")
            )
            return redirect("approvals:application_detail", pk=application.pk)
    return _render(request, application, notice, form=form, corrections=corrections, status=400)


@login_required
@require_POST
def upload(request, pk: int, material_key: str):
    application, notice = _open_request(request, pk)
    if notice is None or _answered_with_its_case(application, notice):
        raise Http404
    if not any(item["material"] == material_key for item in notice.items):
        raise Http404
    uploaded = request.FILES.get("file")
    if uploaded is None:
        errors = {material_key: [_("Choose a file to upload.")]}
        return _render(request, application, notice, upload_errors=errors, status=400)
    try:
        attachment = attachment_upload(
            actor=request.user,
            application=application,
            material_key=material_key,
            uploaded_file=uploaded,
        )
    except UploadRejected as exc:
        errors = {material_key: [exc.message]}
        return _render(request, application, notice, upload_errors=errors, status=400)
    messages.success(request, _("%(name)s is attached.") % {"name": attachment.display_name})
    return redirect(
        reverse("approvals:application_supplement", args=[application.pk])
        + f"#material-{material_key}"
    )
