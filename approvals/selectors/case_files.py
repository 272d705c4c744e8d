"""An application as an official's case file: fetch-and-authorize in one call."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from approvals.models import Application
from approvals.selectors import policy


def get_case_file_for_official(user: User, pk: int) -> Application:
    """The application ``pk`` if ``user`` may open its case file; ``Http404`` otherwise."""
    application = (
        Application.objects.select_related("service_version__item", "person", "business")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    try:
        policy.require_case_file(user, application)
    except PermissionDenied:
        raise Http404 from None
    return application
