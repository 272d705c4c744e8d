"""Applicants: drafts, steps, attachments, submission (idempotent), their applications,
supplement answers, withdrawal and issued documents. The same services and selectors as the
applicant's pages; an application of someone else answers 404."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import idempotency
from approvals.api.permissions import IsApplicant, IsPortalUser
from approvals.api.schema import READ, WRITE, problems
from approvals.api.serializers.applicant import (
    ApplicationDetailSerializer,
    ApplicationSummarySerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DocumentSerializer,
    DraftCreateSerializer,
    RatingResultSerializer,
    RatingSerializer,
    StepSaveSerializer,
    SubmittedSerializer,
    SupplementAnswerSerializer,
    WithdrawSerializer,
)
from approvals.dynamic_forms.groups import form_data_from_json, json_error_key
from approvals.forms.applications import application_step_form
from approvals.selectors.api import documents_of_application
from approvals.selectors.applications import (
    applications_for_applicant,
    get_application_for_applicant,
    get_application_for_editing,
    get_application_for_submitting,
    get_business_acting_for,
)
from approvals.selectors.attachments import get_attachment_for_viewer
from approvals.selectors.catalogue import get_published_version
from approvals.selectors.documents import get_document_for_viewer
from approvals.selectors.withdrawals import withdrawal_reason
from approvals.services.applications import (
    MATERIALS_STEP,
    application_save_step,
    application_start,
    application_submit,
    application_withdraw,
    step_keys,
)
from approvals.services.attachments import (
    attachment_delete,
    attachment_record_download,
    attachment_upload,
)
from approvals.services.documents import document_record_download
from approvals.services.intake import open_supplement_request, supplement_answer
from approvals.services.ratings import rating_submit
from approvals.views.attachments import stored_file_response

APPLICATION_EXAMPLE = {
    "id": 42,
    "tracking_number": "SPJY-20260615-00001",
    "service": "SPJY",
    "service_name": "食品经营许可",
    "applicant_kind": "person",
    "business": None,
    "status": "submitted",
    "status_label": "已提交，待受理",
    "revision": 4,
    "submitted_at": "2026-06-15T09:30:00+08:00",
    "received_on": "2026-06-15",
    "accepted_on": None,
    "decision_due_on": None,
    "decision_due_provisional": False,
    "decision_due_note": "",
    "decided_on": None,
    "updated_at": "2026-06-15T09:30:00+08:00",
}
ATTACHMENT_EXAMPLE = {
    "id": 7,
    "material_key": "floor-plan",
    "display_name": "平面图.pdf",
    "content_type": "application/pdf",
    "size": 183204,
    "sha256": "9f2c…",
    "scan_result": "clean",
    "uploaded_at": "2026-06-15T09:20:00+08:00",
}
BINARY = OpenApiResponse(OpenApiTypes.BINARY, description="The file.")


def _detail(application) -> dict:
    application.steps = step_keys(application.service_version)
    application.open_supplement = None
    request = open_supplement_request(application)
    if request is not None:
        application.open_supplement = {
            "items": request.items,
            "reply_by": request.reply_by.isoformat(),
        }
    application.withdrawal_reason = withdrawal_reason(application)
    return ApplicationDetailSerializer(application).data


@extend_schema(tags=["applicant"])
class ApplicationList(generics.ListCreateAPIView):
    permission_classes = [IsApplicant]
    serializer_class = ApplicationSummarySerializer

    def get_queryset(self):
        wanted = self.request.query_params.get("status") or ""
        return applications_for_applicant(self.request.user, status=wanted)

    @extend_schema(
        summary="My applications (and my businesses'), newest activity first",
        parameters=[OpenApiParameter("status", str)],
        responses={200: ApplicationSummarySerializer(many=True), **problems(*READ)},
        examples=[OpenApiExample("One", response_only=True, value=APPLICATION_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Start a draft",
        request=DraftCreateSerializer,
        responses={201: ApplicationDetailSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("As myself", request_only=True, value={"service": "SPJY"}),
            OpenApiExample(
                "For my business", request_only=True, value={"service": "SPJY", "business": 7}
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        serializer = DraftCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = get_published_version(serializer.validated_data["service"])
        business = None
        business_pk = serializer.validated_data.get("business")
        if business_pk is not None:
            business = get_business_acting_for(request.user, business_pk, to_apply=True)
            if business is None:
                raise ValidationError({"business": [_("You may not apply for this business.")]})
        application = application_start(actor=request.user, version=version, business=business)
        return Response(_detail(application), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["applicant"],
    summary="One of my applications, with its answers and attachments",
    responses={200: ApplicationDetailSerializer, **problems(*READ)},
    examples=[OpenApiExample("Submitted", response_only=True, value=APPLICATION_EXAMPLE)],
)
class ApplicationDetail(APIView):
    permission_classes = [IsApplicant]

    def get(self, request, pk: int):
        return Response(_detail(get_application_for_applicant(request.user, pk)))


@extend_schema(
    tags=["applicant"],
    summary="Save one step of a draft",
    description="`values` are checked by the step's form, as on the page; the answers are "
    "stored only when the whole step is valid (field errors answer 400, keyed by the answer's "
    "name; an error in a row of a repeating group is keyed `group[index].field`). A repeating "
    "group (a property of type `array` in the service's `form_schema`) is a JSON array of "
    "objects, one per row, each keyed by the group's item properties. A multiple choice is an "
    "array of strings, a tick box `true` or `false`. `revision` is the one read last: a newer "
    "one answers 409. The last step, `materials`, takes no values.",
    request=StepSaveSerializer,
    responses={200: ApplicationDetailSerializer, **problems(*WRITE)},
    examples=[
        OpenApiExample(
            "A step",
            request_only=True,
            value={"values": {"shop_name": "老福州小吃"}, "revision": 1},
        ),
        OpenApiExample(
            "A step with a repeating group",
            request_only=True,
            value={
                "values": {
                    "buildings": [
                        {"name": "1号楼", "floors_above": 6, "height": 21.5, "floor_area": 4200},
                        {"name": "2号楼", "floors_above": 3, "height": 12, "floor_area": 1800},
                    ],
                    "designer": "福州市建筑设计院",
                    "truthful": True,
                },
                "revision": 2,
            },
        ),
    ],
)
class ApplicationStep(APIView):
    permission_classes = [IsApplicant]

    def put(self, request, pk: int, step: str):
        application = get_application_for_editing(request.user, pk)
        serializer = StepSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _unknown_step_guard(application, step)
        values = {}
        if step != MATERIALS_STEP:
            groups = list(application_step_form(application, step).groups)
            form = application_step_form(
                application,
                step,
                data=form_data_from_json(serializer.validated_data["values"], groups),
            )
            if not form.is_valid():
                raise ValidationError(
                    {
                        json_error_key(name, groups): list(errors)
                        for name, errors in form.errors.items()
                    }
                )
            values = form.cleaned_json()
        application = application_save_step(
            actor=request.user,
            application=application,
            step_key=step,
            values=values,
            revision=serializer.validated_data["revision"],
        )
        return Response(_detail(application))


def _unknown_step_guard(application, step: str) -> None:
    if step not in step_keys(application.service_version):
        raise Http404


@extend_schema(tags=["applicant"])
class AttachmentList(APIView):
    permission_classes = [IsApplicant]
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="The application's attachments",
        responses={200: AttachmentSerializer(many=True), **problems(*READ)},
        examples=[OpenApiExample("One", response_only=True, value=ATTACHMENT_EXAMPLE)],
    )
    def get(self, request, pk: int):
        application = get_application_for_applicant(request.user, pk)
        attachments = application.attachments.order_by("uploaded_at", "pk")
        return Response(AttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        summary="Attach a material (multipart): replaces the slot's previous file",
        description="Type judged from content, active PDF content and pixel floods refused, "
        "virus-scanned; a refused file answers 422 with the reason.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **problems(*WRITE, 413)},
        examples=[OpenApiExample("Stored", response_only=True, value=ATTACHMENT_EXAMPLE)],
    )
    def post(self, request, pk: int):
        application = get_application_for_editing(request.user, pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = attachment_upload(
            actor=request.user,
            application=application,
            material_key=serializer.validated_data["material_key"],
            uploaded_file=serializer.validated_data["file"],
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["applicant"],
    summary="Remove an attachment from its slot",
    responses={204: None, **problems(*WRITE)},
)
class AttachmentDetail(APIView):
    permission_classes = [IsApplicant]

    def delete(self, request, pk: int, attachment_pk: int):
        application = get_application_for_editing(request.user, pk)
        attachment = application.attachments.filter(pk=attachment_pk).first()
        if attachment is None:
            raise Http404
        attachment_delete(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["applicant", "official"],
    summary="Download an attachment (whoever may see the application's materials)",
    description="A cited licence (材料复用, `cited_licence` set) has no file: 404.",
    responses={(200, "*/*"): BINARY, **problems(*READ)},
)
class AttachmentContent(APIView):
    permission_classes = [IsPortalUser]

    def get(self, request, attachment_pk: int):
        attachment = get_attachment_for_viewer(request.user, attachment_pk)
        if attachment.cited_licence_id is not None:
            # 材料复用: no file; the client checks the licence by its number (cited_licence).
            raise NotFound(
                _("This material cites licence %(number)s and has no file to download.")
                % {"number": attachment.cited_licence.number}
            )
        response = stored_file_response(
            attachment.file,
            content_type=attachment.content_type,
            display_name=attachment.display_name,
        )
        attachment_record_download(actor=request.user, attachment=attachment)
        return response


@extend_schema(
    tags=["applicant"],
    summary="Submit the draft (send an Idempotency-Key)",
    description="The same key with the same request replays the first answer (with "
    "`Idempotent-Replayed: true` and `query_code` null); the same key with another "
    "request answers 422; while the first is still running, 409. An incomplete application "
    "answers 422 with the missing answers and materials in `errors`.",
    parameters=[
        OpenApiParameter(
            idempotency.HEADER,
            str,
            OpenApiParameter.HEADER,
            required=True,
            description="1–64 characters, new for each application you submit (a UUID).",
        )
    ],
    request=None,
    responses={
        201: SubmittedSerializer,
        200: OpenApiResponse(SubmittedSerializer, description="A replay."),
        **problems(*WRITE),
    },
    examples=[
        OpenApiExample(
            "Submitted",
            response_only=True,
            status_codes=["201"],
            value={**APPLICATION_EXAMPLE, "query_code": "381604"},
        )
    ],
)
class ApplicationSubmit(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        key = idempotency.require_key(request)

        def run():
            application = get_application_for_submitting(request.user, pk)
            submitted = application_submit(
                actor=request.user, application=application, idempotency_key=key
            )
            return Response(SubmittedSerializer(submitted).data, status=status.HTTP_201_CREATED)

        return idempotency.idempotent(request, key=key, run=run)


@extend_schema(
    tags=["applicant"],
    summary="Withdraw a submitted application before the decision",
    request=WithdrawSerializer,
    responses={200: ApplicationSummarySerializer, **problems(*WRITE)},
    examples=[OpenApiExample("Request", request_only=True, value={"reason": "不再需要"})],
)
class ApplicationWithdraw(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        application = get_application_for_editing(request.user, pk)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = application_withdraw(
            actor=request.user, application=application, reason=serializer.validated_data["reason"]
        )
        return Response(ApplicationSummarySerializer(application).data)


@extend_schema(
    tags=["applicant"],
    summary="Rate the service once the application is decided (好差评)",
    request=RatingSerializer,
    responses={201: RatingResultSerializer, **problems(*WRITE)},
    examples=[
        OpenApiExample("Request", request_only=True, value={"grade": 5, "comment": "办理很快"}),
        OpenApiExample(
            "Rated",
            response_only=True,
            status_codes=["201"],
            value={
                "grade": 5,
                "comment": "办理很快",
                "created_at": "2026-06-20T10:00:00+08:00",
                "rectification_opened": False,
            },
        ),
    ],
)
class ApplicationRating(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        application = get_application_for_applicant(request.user, pk)
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = rating_submit(
            actor=request.user, application=application, **serializer.validated_data
        )
        result = {
            "grade": rating.grade,
            "comment": rating.comment,
            "created_at": rating.created_at,
            "rectification_opened": hasattr(rating, "rectification"),
        }
        return Response(RatingResultSerializer(result).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["applicant"],
    summary="Answer the supplement notice (after uploading the listed materials)",
    request=SupplementAnswerSerializer,
    responses={200: ApplicationSummarySerializer, **problems(*WRITE)},
    examples=[OpenApiExample("Request", request_only=True, value={"comment": "已补正平面图"})],
)
class SupplementAnswer(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        application = get_application_for_editing(request.user, pk)
        serializer = SupplementAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = supplement_answer(
            actor=request.user,
            application=application,
            comment=serializer.validated_data.get("comment", ""),
            corrections=serializer.validated_data.get("corrections") or {},
        )
        return Response(ApplicationSummarySerializer(application).data)


@extend_schema(
    tags=["applicant"],
    summary="The application's issued documents (notices, decisions, certificates)",
    responses={200: DocumentSerializer(many=True), **problems(*READ)},
    examples=[
        OpenApiExample(
            "An acceptance notice",
            response_only=True,
            value={
                "id": 5,
                "kind": "acceptance_notice",
                "kind_label": "受理通知书",
                "number": "榕市监受〔2026〕0001号",
                "status": "valid",
                "edition": 1,
                "verification_code": "7KQ2M9XW3HD8RT4P",
                "issued_at": "2026-06-16T09:12:03+08:00",
                "rendered": True,
            },
        )
    ],
)
class DocumentList(APIView):
    permission_classes = [IsApplicant]

    def get(self, request, pk: int):
        return Response(
            DocumentSerializer(documents_of_application(request.user, pk), many=True).data
        )


@extend_schema(
    tags=["applicant", "official"],
    summary="Download a rendered document (the same rule as attachments)",
    responses={(200, "*/*"): BINARY, **problems(*READ)},
)
class DocumentContent(APIView):
    permission_classes = [IsPortalUser]

    def get(self, request, document_pk: int):
        document = get_document_for_viewer(request.user, document_pk)
        if not document.sha256:
            raise Http404  # still being prepared
        document_record_download(actor=request.user, document=document)
        return stored_file_response(
            document.file, content_type="application/pdf", display_name=f"{document.number}.pdf"
        )
