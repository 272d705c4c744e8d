"""Issued documents: the permission-checked download, and the public verification page.

``/verify/<code>/`` needs no sign-in: anyone holding a document (a bank, a landlord, another
agency) can check that it was issued, what its status is now, and whether their copy is the
issued file (SHA-256). It shows what the document shows publicly — never a natural person's full
name or ID number — and each client address has a limited number of checks.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.identifiers import mask_person_name
from approvals.forms.licences import DocumentCorrectionForm
from approvals.selectors.documents import (
    find_document_by_code,
    get_document_for_correction,
    get_document_for_viewer,
    normalise_verification_code,
)
from approvals.services.documents import (
    CORRECTABLE_FACTS,
    document_correct,
    document_public_status,
    document_record_download,
    document_record_verification,
    sha256_of_upload,
)
from approvals.views.attachments import stored_file_response
from approvals.views.work import official_required
from portal.ratelimit import RateLimit
from portal.request_context import client_ip

logger = logging.getLogger("portal.documents")

# Thirty checks per client address in each ten-minute window (page views and uploads alike).
VERIFY_LIMIT = RateLimit("verify", limit=30, period=10 * 60)


@login_required
@require_GET
def document_download(request, pk: int):
    document = get_document_for_viewer(request.user, pk)
    if not document.sha256:
        raise Http404  # still being prepared; the application page says so
    title = document.context.get("title_zh") or "document"
    response = stored_file_response(
        document.file, content_type="application/pdf", display_name=f"{title}-{document.number}.pdf"
    )
    document_record_download(actor=request.user, document=document)
    return response


@official_required()
@require_http_methods(["GET", "POST"])
def document_correct_page(request, pk: int):
    """The issuing department issues a corrected edition of a document with a reason; the old
    edition is superseded (and says so on /verify/)."""
    document = get_document_for_correction(request.user, pk)
    facts = CORRECTABLE_FACTS.get(document.kind, ())
    form = DocumentCorrectionForm(
        request.POST if request.method == "POST" else None, document=document, facts=facts
    )
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                corrected = document_correct(
                    actor=request.user,
                    document=document,
                    reason=form.cleaned_data["reason"],
                    changes=form.changes(),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("%(number)s is issued as the corrected edition; %(old)s is superseded.")
                    % {"number": corrected.number, "old": document.number},
                )
                if back:
                    return redirect(back)
                return redirect("approvals:document_verify", code=corrected.verification_code)
        status = 400
    return render(
        request,
        "approvals/documents/correct.html",
        {"document": document, "form": form, "next": back},
        status=status,
    )


class VerifyUploadForm(forms.Form):
    copy = forms.FileField(
        label=gettext_lazy("Your copy of the document (PDF)"),
        help_text=gettext_lazy(
            "The file is not kept: only its SHA-256 fingerprint is computed and compared."
        ),
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=40,
        help_text=gettext_lazy("16 letters and digits, printed beside the QR code."),
    )


@require_GET
def verify_entry(request):
    """Type the code read from a paper copy; the page of that code answers (and counts)."""
    form = VerifyCodeForm(request.GET or None)
    if form.is_valid():
        code = normalise_verification_code(form.cleaned_data["code"])
        return redirect("approvals:document_verify", code=code)
    return render(request, "approvals/verify/entry.html", {"form": form})


def _public_facts(document) -> dict:
    """What the page shows: the document's essentials; a person's name masked."""
    facts = document.context
    applicant = facts.get("applicant") or {}
    name = facts.get("holder_name") or applicant.get("name", "")
    if applicant.get("kind") != "business":
        name = mask_person_name(name)
    return {
        "title_zh": facts.get("title_zh", ""),
        "title_en": facts.get("title_en", ""),
        "department": facts.get("department") or {},
        "service": facts.get("service") or {},
        "holder": name,
        "holder_is_business": applicant.get("kind") == "business",
        "issued_on": facts.get("issued_on", ""),
        "licence_number": facts.get("licence_number", ""),
        "valid_from": facts.get("valid_from", ""),
        "valid_to": facts.get("valid_to", ""),
    }


@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    ip = client_ip(request) or "unknown"
    if not VERIFY_LIMIT.hit(ip):
        logger.warning("document verification refused: rate limit reached ip=%s", ip)
        return render(request, "approvals/verify/rate_limited.html", status=429)
    document = find_document_by_code(code)
    if document is None:
        document_record_verification(document=None, code=code, outcome="unknown")
        return render(request, "approvals/verify/unknown.html", status=404)
    status = document_public_status(document)
    form = VerifyUploadForm()
    comparison = None
    http_status = 200
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            digest = sha256_of_upload(
                form.cleaned_data["copy"], max_bytes=settings.VERIFY_UPLOAD_MAX_BYTES
            )
            if digest is None:
                form.add_error(
                    "copy",
                    _("The file is larger than %(size)s MB; an issued document is far smaller.")
                    % {"size": settings.VERIFY_UPLOAD_MAX_BYTES // (1024 * 1024)},
                )
            else:
                comparison = "match" if digest == document.sha256 else "mismatch"
        if comparison is None:
            http_status = 400
    outcome = status if comparison is None else f"{status}, copy {comparison}"
    document_record_verification(document=document, code=code, outcome=outcome, actor=request.user)
    response = render(
        request,
        "approvals/verify/verify.html",
        {
            "document": document,
            "facts": _public_facts(document),
            "public_status": status,
            "form": form,
            "comparison": comparison,
            "superseding": getattr(document, "superseded_by", None),
        },
        status=http_status,
    )
    response["Cache-Control"] = "no-store"
    return response
