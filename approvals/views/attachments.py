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


def stored_file_response(stored_file, *, content_type: str, display_name: str) -> FileResponse:
    """A stored file as a download (attachment, nosniff, not cached), for the pages and the API
    alike; ``Http404`` when there is no file or it is missing from storage."""
    if not stored_file:
        raise Http404
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file %s is missing", stored_file.name)
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(display_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


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
    response = stored_file_response(
        attachment.file, content_type=attachment.content_type, display_name=attachment.display_name
    )
    attachment_record_download(actor=request.user, attachment=attachment)
    return response
