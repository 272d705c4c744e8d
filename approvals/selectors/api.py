"""Reads the REST API needs beyond the pages': an applicant's documents as a queryset, and the
data other systems read through scoped API clients. Each read has its permission filter inside;
a department-scoped client's reads are filtered in SQL by department. One document for a viewer
and verification by code are the pages' own (``approvals/selectors/documents.py``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
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
