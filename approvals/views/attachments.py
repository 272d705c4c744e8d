"""Downloading an attachment: the only way an uploaded file leaves the portal."""

import logging
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from approvals.selectors.attachments import get_attachment_for_viewer
from approvals.services.attachments import attachment_record_download
from approvals.templatetags.licences import licence_verify_url

logger = logging.getLogger("portal.attachments")


def content_disposition(display_name: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the real (often Chinese)
    name as ``filename*`` (RFC 6266, RFC 5987)."""
    extension = display_name.rpartition(".")[2]
    fallback = "".join(
        char for char in display_name if char.isascii() and char.isprintable() and char not in '"\\'
    ).strip()
    if fallback.startswith(".") or fallback.rpartition(".")[0] == "":
        fallback = f"attachment.{extension}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(display_name, safe='')}"


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = get_attachment_for_viewer(request.user, pk)
    if attachment.cited_licence_id is not None:
        # 材料复用: a cited licence has no file; its verification page shows what it is.
        verify_url = licence_verify_url(attachment.cited_licence)
        if not verify_url:
            raise Http404
        return redirect(verify_url)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        logger.error("attachment %s: stored file %s is missing", pk, attachment.file.name)
        raise Http404 from None
    attachment_record_download(actor=request.user, attachment=attachment)
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition(attachment.display_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
