"""Public endpoints: the service catalogue and guides, progress lookup, document verification."""

import logging

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.permissions import Public
from approvals.api.schema import PUBLIC_READ, problems
from approvals.api.serializers.public import (
    DocumentVerificationSerializer,
    ServiceDetailSerializer,
    ServiceSummarySerializer,
    TrackRequestSerializer,
    TrackResultSerializer,
)
from approvals.selectors.applications import find_application_by_tracking
from approvals.selectors.catalogue import get_published_version, published_versions
from approvals.selectors.documents import find_document_by_code
from approvals.services.documents import document_public_status, document_record_verification
from approvals.views.documents import VERIFY_LIMIT
from approvals.views.lookup import LOOKUP_LIMIT
from portal.request_context import client_ip

logger = logging.getLogger("portal.track")

SERVICE_EXAMPLE = {
    "code": "SPJY",
    "name": "食品经营许可",
    "department": "city-market",
    "topic": "food_health",
    "for_persons": True,
    "for_businesses": True,
    "statutory_limit_days": 20,
    "promised_limit_days": 10,
    "fee_amount": "0.00",
}


@extend_schema(
    tags=["public"],
    summary="Published services",
    parameters=[
        OpenApiParameter("q", str, description="Words in the code or name."),
        OpenApiParameter("department", str, description="Department code."),
        OpenApiParameter("applicant_kind", str, enum=["person", "business"]),
        OpenApiParameter("topic", str),
    ],
    responses={200: ServiceSummarySerializer(many=True), **problems(*PUBLIC_READ)},
    examples=[
        OpenApiExample(
            "One service",
            response_only=True,
            value=SERVICE_EXAMPLE,
        )
    ],
)
class ServiceList(generics.ListAPIView):
    permission_classes = [Public]
    authentication_classes = []
    serializer_class = ServiceSummarySerializer

    def get_queryset(self):
        params = self.request.query_params
        return published_versions(
            query=params.get("q", "")[:200],
            department=params.get("department") or None,
            applicant_kind=params.get("applicant_kind") or None,
            topic=params.get("topic") or None,
        )


@extend_schema(
    tags=["public"],
    summary="A service guide: legal basis, fee, limits, materials and the form's schema",
    responses={200: ServiceDetailSerializer, **problems(*PUBLIC_READ)},
    examples=[
        OpenApiExample(
            "A guide",
            response_only=True,
            value={
                **SERVICE_EXAMPLE,
                "legal_basis": "《中华人民共和国食品安全法》第三十五条",
                "fee_basis": "",
                "materials": [
                    {
                        "key": "floor-plan",
                        "name": "平面图",
                        "description": "",
                        "required": True,
                        "medium": "electronic",
                    }
                ],
                "form_schema": {"type": "object", "x-steps": [{"key": "basic"}]},
            },
        )
    ],
)
class ServiceDetail(APIView):
    permission_classes = [Public]
    authentication_classes = []

    def get(self, request, code: str):
        return Response(ServiceDetailSerializer(get_published_version(code)).data)


@extend_schema(
    tags=["public"],
    summary="Progress lookup with the tracking number and the query code",
    description="No sign-in; no personal data in the answer. Ten tries per address in ten "
    "minutes, shared with the lookup page. A wrong pair answers 404 whichever part was wrong.",
    request=TrackRequestSerializer,
    responses={200: TrackResultSerializer, **problems(400, 404, 429)},
    examples=[
        OpenApiExample(
            "Lookup",
            request_only=True,
            value={"tracking_number": "SPJY-20260615-00001", "query_code": "123456"},
        ),
        OpenApiExample(
            "Progress",
            response_only=True,
            value={
                "tracking_number": "SPJY-20260615-00001",
                "service": "食品经营许可",
                "status": "under_review",
                "status_label": "审查中",
                "received_on": "2026-06-15",
                "accepted_on": "2026-06-16",
                "decision_due_on": "2026-07-14",
                "decided_on": None,
            },
        ),
    ],
)
class Track(APIView):
    permission_classes = [Public]
    authentication_classes = []

    def post(self, request):
        ip = client_ip(request) or "unknown"
        if not LOOKUP_LIMIT.hit(ip):
            logger.warning("api track lookup refused: rate limit reached ip=%s", ip)
            raise Throttled()
        serializer = TrackRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = find_application_by_tracking(
            serializer.validated_data["tracking_number"], serializer.validated_data["query_code"]
        )
        if application is None:
            logger.warning("api track lookup failed ip=%s", ip)
            raise NotFound()
        response = Response(TrackResultSerializer(application).data)
        response["Cache-Control"] = "private, no-store"
        return response


@extend_schema(
    tags=["public"],
    summary="Verify an issued document by its verification code",
    responses={200: DocumentVerificationSerializer, **problems(*PUBLIC_READ)},
    examples=[
        OpenApiExample(
            "A valid licence certificate",
            response_only=True,
            value={
                "verification_code": "7KQ2M9XW3HD8RT4P",
                "number": "SPJY-2026-000123",
                "kind": "licence_certificate",
                "kind_label": "许可证",
                "status": "valid",
                "status_label": "有效",
                "department": "city-market",
                "issued_at": "2026-07-01T10:00:00+08:00",
                "edition": 1,
            },
        )
    ],
)
class DocumentVerify(APIView):
    permission_classes = [Public]
    authentication_classes = []

    def get(self, request, code: str):
        # The same rules as the public page: its rate limit, its status, its audit event.
        ip = client_ip(request) or "unknown"
        if not VERIFY_LIMIT.hit(ip):
            logger.warning("api document verification refused: rate limit reached ip=%s", ip)
            raise Throttled()
        document = find_document_by_code(code)
        if document is None:
            document_record_verification(document=None, code=code, outcome="unknown")
            raise NotFound()
        status = document_public_status(document)
        document_record_verification(document=document, code=code, outcome=status)
        return Response(
            DocumentVerificationSerializer(document, context={"public_status": status}).data
        )
