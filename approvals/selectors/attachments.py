"""Fetch-and-authorize for attachments: whoever may see the application may see its materials.

Officials' access comes with the workflow issue, through ``approvals.selectors.policy``: once
``require_application_view`` (or a sibling rule for officials) admits them, this selector admits
them too.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from approvals.models import Attachment
from approvals.selectors import policy


def get_attachment_for_viewer(user: User, pk: int) -> Attachment:
    """The attachment ``pk`` if ``user`` may view its application; otherwise ``Http404``, the same
    answer as for an attachment that does not exist."""
    attachment = (
        Attachment.objects.select_related(
            "application__person",
            "application__business",
            "application__service_version__item__department",
        )
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    application = attachment.application
    if application.status != "draft" and policy.may_handle_intake(user, application):
        return attachment  # the service window checks the materials (issue 4, intake)
    try:
        policy.require_application_view(user, application)
    except PermissionDenied:
        # Officials with a task they may see on the application (review workflow).
        if not policy.official_may_view_application(user, application):
            raise Http404 from None
    return attachment
