"""Other systems (API clients with scopes): licence lookup and the applications of their
department. A department-scoped client's reads are filtered in SQL by department; every read of
a case or licence is audited with the client's name."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.authentication import BearerAuthentication
from approvals.api.permissions import HasApplicationReadScope, HasLicenceReadScope
from approvals.api.schema import READ, problems
from approvals.api.serializers.agency import AgencyApplicationSerializer, LicenceSerializer
from approvals.models import ApplicationStatus
from approvals.selectors.api import (
    applications_for_client,
    get_application_for_client,
    get_licence_for_client,
    licences_for_client,
)
from audit.chain import audit_record

LICENCE_EXAMPLE = {
    "number": "JY13501000000123",
    "service": "SPJY",
    "department": "city-market",
    "holder_kind": "business",
    "holder_name": "福州老字号餐饮有限公司",
    "scope_zh": "热食类食品制售",
    "scope_en": "Hot food preparation and sale",
    "valid_from": "2026-07-01",
    "valid_to": "2031-06-30",
    "status": "valid",
    "expired": False,
    "issued_at": "2026-07-01T10:00:00+08:00",
}

AGENCY_APPLICATION_EXAMPLE = {
    "id": 42,
    "tracking_number": "SPJY-20260615-00001",
    "service": "SPJY",
    "department": "city-market",
    "applicant_kind": "business",
    "status": "under_review",
    "submitted_at": "2026-06-15T09:30:00+08:00",
    "received_on": "2026-06-15",
    "accepted_on": "2026-06-16",
    "decision_due_on": "2026-07-14",
    "decided_on": None,
    "updated_at": "2026-06-16T09:12:03+08:00",
}


def _audit_read(client, action: str, *, obj=None, changes=None) -> None:
    # The client is recorded by the request context ("via"); the actor is the system.
    audit_record(
        action=action,
        obj=obj,
        on_behalf_of=client.audit_label,
        actor_department=client.department,
        changes=changes,
    )


@extend_schema(
    tags=["agency"],
    summary="Look licences up by number and/or holder (scope licence:read)",
    parameters=[
        OpenApiParameter("number", str, description="The exact licence number."),
        OpenApiParameter("holder", str, description="The exact holder name."),
    ],
    responses={200: LicenceSerializer(many=True), **problems(*READ)},
    examples=[OpenApiExample("A licence", response_only=True, value=LICENCE_EXAMPLE)],
)
class LicenceList(generics.ListAPIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [HasLicenceReadScope]
    serializer_class = LicenceSerializer

    def get_queryset(self):
        number = self.request.query_params.get("number", "")[:60]
        holder = self.request.query_params.get("holder", "")[:200]
        if not number and not holder:
            raise ValidationError({"number": [_("Give a licence number or a holder name.")]})
        return licences_for_client(self.request.auth, number=number, holder=holder)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _audit_read(
            request.auth,
            "api.licence_lookup",
            changes={
                "number": [None, request.query_params.get("number", "")[:60]],
                "holder": [None, request.query_params.get("holder", "")[:200]],
                "found": [None, response.data.get("count")],
            },
        )
        return response


@extend_schema(
    tags=["agency"],
    summary="One licence by its number (scope licence:read)",
    responses={200: LicenceSerializer, **problems(*READ)},
    examples=[OpenApiExample("A licence", response_only=True, value=LICENCE_EXAMPLE)],
)
class LicenceDetail(APIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [HasLicenceReadScope]

    def get(self, request, number: str):
        licence = get_licence_for_client(request.auth, number)
        _audit_read(request.auth, "api.licence_read", obj=licence)
        return Response(LicenceSerializer(licence).data)


@extend_schema(
    tags=["agency"],
    summary="Applications of my department (scope application:read)",
    parameters=[
        OpenApiParameter("status", str, enum=[str(s) for s in ApplicationStatus.values]),
    ],
    responses={200: AgencyApplicationSerializer(many=True), **problems(*READ)},
    examples=[OpenApiExample("One", response_only=True, value=AGENCY_APPLICATION_EXAMPLE)],
)
class AgencyApplicationList(generics.ListAPIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [HasApplicationReadScope]
    serializer_class = AgencyApplicationSerializer

    def get_queryset(self):
        wanted = self.request.query_params.get("status", "")
        if wanted and wanted not in ApplicationStatus.values:
            raise ValidationError({"status": [_("Not a status.")]})
        return applications_for_client(self.request.auth, status=wanted)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        _audit_read(
            request.auth,
            "api.application_list",
            changes={
                "status": [None, request.query_params.get("status", "")],
                "page": [None, [row["id"] for row in response.data.get("results", [])]],
                "found": [None, response.data.get("count")],
            },
        )
        return response


@extend_schema(
    tags=["agency"],
    summary="One application of my department (scope application:read)",
    responses={200: AgencyApplicationSerializer, **problems(*READ)},
    examples=[OpenApiExample("One", response_only=True, value=AGENCY_APPLICATION_EXAMPLE)],
)
class AgencyApplicationDetail(APIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [HasApplicationReadScope]

    def get(self, request, pk: int):
        application = get_application_for_client(request.auth, pk)
        _audit_read(request.auth, "api.application_read", obj=application)
        return Response(AgencyApplicationSerializer(application).data)
