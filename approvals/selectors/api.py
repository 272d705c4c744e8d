"""Reads the REST API needs beyond the pages': issued documents for their applicant, document
verification, and the data other systems read through scoped API clients. Each read has its
permission filter inside; a department-scoped client's reads are filtered in SQL by department.

The documents branch may bring page-side selectors for documents; fold these into them then.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from approvals import policy
from approvals.models import Application, ApplicationStatus, Document, Licence
from approvals.models.api import ApiClient
from approvals.selectors.applications import get_application_for_applicant


def documents_of_application(user: User, application_pk: int) -> QuerySet[Document]:
    """The documents of an application ``user`` sees as an applicant (404 otherwise)."""
    application = get_application_for_applicant(user, application_pk)
    return (
        Document.objects.filter(application=application)
        .select_related("department")
        .order_by("issued_at", "pk")
    )


def get_document_for_download(user: User, pk: int) -> Document:
    """A rendered document, by the same rule as an application's attachments
    (``policy.require_attachment_download``); 404 otherwise, as if it did not exist."""
    document = (
        Document.objects.select_related(
            "application__person", "application__business", "application__service_version__item"
        )
        .filter(pk=pk)
        .exclude(file="")
        .first()
    )
    if document is None:
        raise Http404
    try:
        policy.require_attachment_download(user, document.application)
    except PermissionDenied:
        raise Http404 from None
    return document


def get_document_by_verification_code(code: str) -> Document:
    """Public verification (电子证照 check): the document with this code, or 404."""
    code = (code or "").strip().upper()
    document = Document.objects.select_related("department").filter(verification_code=code).first()
    if document is None:
        raise Http404
    return document


def _department_filter(client: ApiClient, field: str) -> Q:
    return Q(**{field: client.department_id}) if client.department_id else Q()


def licences_for_client(client: ApiClient, *, number: str = "", holder: str = "") -> QuerySet:
    """Licences in the client's department scope, by exact number and/or holder name."""
    queryset = (
        Licence.objects.filter(_department_filter(client, "department_id"))
        .select_related("item", "department")
        .order_by("-issued_at", "-pk")
    )
    if number:
        queryset = queryset.filter(number=number.strip())
    if holder:
        queryset = queryset.filter(holder_name=holder.strip())
    return queryset


def get_licence_for_client(client: ApiClient, number: str) -> Licence:
    licence = licences_for_client(client, number=number).first()
    if licence is None:
        raise Http404
    return licence


def applications_for_client(client: ApiClient, *, status: str = "") -> QuerySet[Application]:
    """Submitted applications in the client's department scope (drafts are the applicant's)."""
    queryset = (
        Application.objects.exclude(status=ApplicationStatus.DRAFT)
        .filter(_department_filter(client, "service_version__item__department_id"))
        .select_related("service_version__item__department")
        .order_by("-updated_at", "-pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def get_application_for_client(client: ApiClient, pk: int) -> Application:
    application = applications_for_client(client).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application
