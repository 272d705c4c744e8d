"""一件事 cases for applicants: start, the guiding questions, the shared fields once, each
member's own steps, the materials once, submission (idempotent), the case with its members,
the certificates as one set, the supplement answered once, withdrawal, one rating. The same
services and selectors as the case pages; a case of someone else answers 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api import idempotency
from approvals.api.permissions import IsApplicant, Public
from approvals.api.schema import READ, WRITE, problems
from approvals.api.serializers.applicant import (
    DocumentSerializer,
    RatingSerializer,
    StepSaveSerializer,
    SupplementAnswerSerializer,
    WithdrawSerializer,
)
from approvals.api.serializers.public import TrackRequestSerializer
from approvals.api.serializers.theme_cases import (
    AnswersSerializer,
    CaseCreateSerializer,
    CaseMaterialSerializer,
    CaseMaterialUploadSerializer,
    CaseTrackSerializer,
    SubmittedCaseSerializer,
    SupplementUploadSerializer,
    ThemeCaseDetailSerializer,
    ThemeCaseSummarySerializer,
    case_detail,
)
from approvals.api.views.applicant import BINARY
from approvals.dynamic_forms.groups import form_data_from_json, json_error_key
from approvals.forms.theme_cases import member_step_form, shared_step_form
from approvals.selectors.applications import get_business_acting_for
from approvals.selectors.theme_cases import (
    case_certificates,
    case_members,
    find_theme_case_by_tracking,
    get_theme_case_for_applicant,
    get_theme_case_for_editing,
    theme_cases_for_applicant,
)
from approvals.selectors.themes import get_published_theme, theme_plan
from approvals.services.theme_case_drafts import (
    theme_case_save_answers,
    theme_case_save_member_step,
    theme_case_save_shared,
    theme_case_start,
)
from approvals.services.theme_case_materials import theme_case_remove_material, theme_case_upload
from approvals.services.theme_case_outcome import (
    theme_case_certificates_zip,
    theme_case_rate,
    theme_case_withdraw,
)
from approvals.services.theme_case_submission import theme_case_submit
from approvals.services.theme_supplement import (
    theme_case_supplement_answer,
    theme_case_supplement_upload,
)
from approvals.views.lookup import LOOKUP_LIMIT
from portal.request_context import client_ip

CASE_EXAMPLE = {
    "id": 12,
    "tracking_number": "OPEN-RESTAURANT-20260615-00001",
    "theme": "OPEN-RESTAURANT",
    "theme_name": "我要开餐馆",
    "applicant_kind": "person",
    "business": None,
    "status": "submitted",
    "status_label": "已提交",
    "delivery": "together",
    "revision": 6,
    "submitted_at": "2026-06-15T09:30:00+08:00",
    "received_on": "2026-06-15",
    "rated_at": None,
    "updated_at": "2026-06-15T09:30:00+08:00",
}


def _detail(case, status_code=status.HTTP_200_OK) -> Response:
    return Response(case_detail(case), status=status_code)


def _checked(form) -> dict:
    """The form's cleaned answers as JSON, or 400 keyed by the answers' names."""
    if not form.is_valid():
        groups = list(form.groups)
        raise ValidationError(
            {json_error_key(name, groups): list(errors) for name, errors in form.errors.items()}
        )
    return form.cleaned_json()


@extend_schema(tags=["applicant"])
class ThemeCaseList(APIView):
    permission_classes = [IsApplicant]

    @extend_schema(
        operation_id="theme_cases_list",
        summary="My one-thing cases (and my businesses'), newest activity first",
        responses={200: ThemeCaseSummarySerializer(many=True), **problems(*READ)},
        examples=[OpenApiExample("One", response_only=True, value=CASE_EXAMPLE)],
    )
    def get(self, request):
        cases = theme_cases_for_applicant(request.user)
        return Response(ThemeCaseSummarySerializer(cases, many=True).data)

    @extend_schema(
        summary="Start a one-thing case (a draft, its shared fields prefilled from the registries)",
        request=CaseCreateSerializer,
        responses={201: ThemeCaseDetailSerializer, **problems(*WRITE)},
        examples=[OpenApiExample("As myself", request_only=True, value={"theme": "RESTAURANT"})],
    )
    def post(self, request):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = get_published_theme(serializer.validated_data["theme"])
        business = None
        business_pk = serializer.validated_data.get("business")
        if business_pk is not None:
            business = get_business_acting_for(request.user, business_pk, to_apply=True)
            if business is None:
                raise ValidationError({"business": [_("You may not apply for this business.")]})
        case = theme_case_start(actor=request.user, version=version, business=business)
        return _detail(case, status.HTTP_201_CREATED)


@extend_schema(
    tags=["applicant"],
    summary="One of my one-thing cases: the draft's steps and answers, the materials once, and "
    "once submitted each member's state, department and dates",
    responses={200: ThemeCaseDetailSerializer, **problems(*READ)},
)
class ThemeCaseDetail(APIView):
    permission_classes = [IsApplicant]

    def get(self, request, pk: int):
        return _detail(get_theme_case_for_applicant(request.user, pk))


@extend_schema(
    tags=["applicant"],
    summary="Answer the guiding questions (they pick the members that apply)",
    description="Every question answered, typed (a yes/no as true/false, a number, a choice's "
    "value); `delivery` is `together` (一窗出件, all certificates once every member is "
    "decided) or `each`. A refused answer answers 422 keyed by the question.",
    request=AnswersSerializer,
    responses={200: ThemeCaseDetailSerializer, **problems(*WRITE)},
    examples=[
        OpenApiExample(
            "Answers",
            request_only=True,
            value={"answers": {"sign": True, "seats": 60}, "delivery": "together", "revision": 1},
        )
    ],
)
class ThemeCaseAnswers(APIView):
    permission_classes = [IsApplicant]

    def put(self, request, pk: int):
        case = get_theme_case_for_editing(request.user, pk)
        serializer = AnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = theme_case_save_answers(
            actor=request.user,
            case=case,
            answers=serializer.validated_data["answers"],
            delivery=serializer.validated_data.get("delivery"),
            revision=serializer.validated_data["revision"],
        )
        return _detail(case)


@extend_schema(
    tags=["applicant"],
    summary="Save the shared fields (asked once for every member)",
    description="`values` by the shared fields' keys, checked as the page checks them (field "
    "errors answer 400); registry values (一数一源) stay as the registry has them.",
    request=StepSaveSerializer,
    responses={200: ThemeCaseDetailSerializer, **problems(*WRITE)},
    examples=[
        OpenApiExample(
            "Shared", request_only=True, value={"values": {"name": "老王餐馆"}, "revision": 2}
        )
    ],
)
class ThemeCaseShared(APIView):
    permission_classes = [IsApplicant]

    def put(self, request, pk: int):
        case = get_theme_case_for_editing(request.user, pk)
        serializer = StepSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = theme_plan(case.version, case.answers)
        groups = list(shared_step_form(case, plan).groups)
        values = _checked(
            shared_step_form(
                case,
                plan,
                data=form_data_from_json(serializer.validated_data["values"], groups),
            )
        )
        case = theme_case_save_shared(
            actor=request.user,
            case=case,
            values=values,
            revision=serializer.validated_data["revision"],
        )
        return _detail(case)


@extend_schema(
    tags=["applicant"],
    summary="Save one step of a member's own fields (those no shared field answers)",
    request=StepSaveSerializer,
    responses={200: ThemeCaseDetailSerializer, **problems(*WRITE)},
    examples=[
        OpenApiExample("A step", request_only=True, value={"values": {"seats": 40}, "revision": 3})
    ],
)
class ThemeCaseMemberStep(APIView):
    permission_classes = [IsApplicant]

    def put(self, request, pk: int, member: str, step: str):
        case = get_theme_case_for_editing(request.user, pk)
        serializer = StepSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = theme_plan(case.version, case.answers)
        member_plan = next((m for m in plan.members if m.key == member), None)
        if member_plan is None or step not in member_plan.own_fields:
            raise Http404
        groups = list(member_step_form(case, member_plan, step).groups)
        values = _checked(
            member_step_form(
                case,
                member_plan,
                step,
                data=form_data_from_json(serializer.validated_data["values"], groups),
            )
        )
        case = theme_case_save_member_step(
            actor=request.user,
            case=case,
            member_key=member,
            step_key=step,
            values=values,
            revision=serializer.validated_data["revision"],
        )
        return _detail(case)


@extend_schema(tags=["applicant"])
class ThemeCaseMaterials(APIView):
    permission_classes = [IsApplicant]
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Upload a material once (multipart): a shared one fills every member needing it",
        description="`member_key` empty for a shared material, else the member's own material. "
        "Type judged from content, active PDF content refused, virus-scanned; a refused file "
        "answers 422 with the reason. Replaces the slot's previous file.",
        request={"multipart/form-data": CaseMaterialUploadSerializer},
        responses={201: CaseMaterialSerializer, **problems(*WRITE, 413)},
    )
    def post(self, request, pk: int):
        case = get_theme_case_for_editing(request.user, pk)
        serializer = CaseMaterialUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = theme_case_upload(
            actor=request.user,
            case=case,
            member_key=serializer.validated_data["member_key"],
            material_key=serializer.validated_data["material_key"],
            uploaded_file=serializer.validated_data["file"],
        )
        return Response(CaseMaterialSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["applicant"],
    summary="Empty a material slot of the draft",
    responses={204: None, **problems(*WRITE)},
)
class ThemeCaseMaterialDetail(APIView):
    permission_classes = [IsApplicant]

    def delete(self, request, pk: int, attachment_pk: int):
        case = get_theme_case_for_editing(request.user, pk)
        attachment = case.attachments.filter(pk=attachment_pk).first()
        if attachment is None:
            raise Http404
        theme_case_remove_material(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["applicant"],
    summary="Submit the case once (send an Idempotency-Key): each member filed as its own "
    "application, one tracking number and query code for the whole",
    description="As for applications: the same key with the same request replays the first "
    "answer (`query_code` null); another request with the key answers 422; while the first "
    "runs, 409. An incomplete case answers 422 with what is missing in `errors` (`shared:<field>`"
    ", `<member>:<field>`, `question:<key>`, `materials`).",
    parameters=[
        OpenApiParameter(
            idempotency.HEADER,
            str,
            OpenApiParameter.HEADER,
            required=True,
            description="1–64 characters, new for each case you submit (a UUID).",
        )
    ],
    request=None,
    responses={
        201: SubmittedCaseSerializer,
        200: OpenApiResponse(SubmittedCaseSerializer, description="A replay."),
        **problems(*WRITE),
    },
    examples=[
        OpenApiExample(
            "Submitted",
            response_only=True,
            status_codes=["201"],
            value={**CASE_EXAMPLE, "query_code": "381604"},
        )
    ],
)
class ThemeCaseSubmit(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        key = idempotency.require_key(request)

        def run():
            case = get_theme_case_for_editing(request.user, pk)
            submitted = theme_case_submit(actor=request.user, case=case, idempotency_key=key)
            return Response(SubmittedCaseSerializer(submitted).data, status=status.HTTP_201_CREATED)

        return idempotency.idempotent(request, key=key, run=run)


@extend_schema(
    tags=["applicant"],
    summary="Withdraw the case: every member not yet decided is withdrawn",
    request=WithdrawSerializer,
    responses={200: ThemeCaseSummarySerializer, **problems(*WRITE)},
)
class ThemeCaseWithdraw(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        case = get_theme_case_for_editing(request.user, pk)
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = theme_case_withdraw(
            actor=request.user, case=case, reason=serializer.validated_data["reason"]
        )
        return Response(ThemeCaseSummarySerializer(case).data)


@extend_schema(
    tags=["applicant"],
    summary="Rate the whole once every member is decided (一键评价): each department gets it",
    request=RatingSerializer,
    responses={
        201: OpenApiResponse(description="The ratings given, one per department's decided member."),
        **problems(*WRITE),
    },
    examples=[OpenApiExample("Request", request_only=True, value={"grade": 5, "comment": "很快"})],
)
class ThemeCaseRating(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        case = get_theme_case_for_editing(request.user, pk)
        serializer = RatingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ratings = theme_case_rate(actor=request.user, case=case, **serializer.validated_data)
        return Response(
            {
                "grade": serializer.validated_data["grade"],
                "ratings": [
                    {
                        "application": rating.application_id,
                        "department": rating.department.code,
                        "rectification_opened": hasattr(rating, "rectification"),
                    }
                    for rating in ratings
                ],
            },
            status=status.HTTP_201_CREATED,
        )


@extend_schema(
    tags=["applicant"],
    summary="The case's issued decisions and certificates (each downloadable from "
    "`/api/v1/documents/<id>/content/`)",
    responses={200: DocumentSerializer(many=True), **problems(*READ)},
)
class ThemeCaseDocuments(APIView):
    permission_classes = [IsApplicant]

    def get(self, request, pk: int):
        case = get_theme_case_for_applicant(request.user, pk)
        return Response(DocumentSerializer(case_certificates(case), many=True).data)


@extend_schema(
    tags=["applicant"],
    summary="All certificates and decisions as one ZIP (一窗出件)",
    description="With delivery `together`, once no member is open any more; with `each`, what "
    "is ready. Not ready yet: 404.",
    responses={(200, "application/zip"): BINARY, **problems(*READ)},
)
class ThemeCaseCertificates(APIView):
    permission_classes = [IsApplicant]

    def get(self, request, pk: int):
        case = get_theme_case_for_applicant(request.user, pk)
        try:
            archive = theme_case_certificates_zip(actor=request.user, case=case)
        except DjangoValidationError as error:
            raise NotFound(" ".join(error.messages)) from None
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{case.tracking_number}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response


@extend_schema(tags=["applicant"])
class ThemeCaseSupplementUpload(APIView):
    permission_classes = [IsApplicant]
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Upload a material the supplement notice asks for, once for every member that "
        "asked for it (multipart)",
        description="`target` is the notice's item (`members[].open_supplement.items[].target`)."
        " Not asked for: 404.",
        request={"multipart/form-data": SupplementUploadSerializer},
        responses={
            201: OpenApiResponse(description="The members' attachments."),
            **problems(*WRITE, 413),
        },
    )
    def post(self, request, pk: int, target: str):
        case = get_theme_case_for_applicant(request.user, pk)
        serializer = SupplementUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            attachments = theme_case_supplement_upload(
                actor=request.user,
                case=case,
                target=target,
                uploaded_file=serializer.validated_data["file"],
            )
        except DjangoValidationError:
            raise Http404 from None
        return Response(
            [
                {"application": a.application_id, "material_key": a.material_key, "id": a.pk}
                for a in attachments
            ],
            status=status.HTTP_201_CREATED,
        )


@extend_schema(
    tags=["applicant"],
    summary="Answer the case's supplement notice once (after uploading what it asks for)",
    description="`corrections` by member key: `{member: {field: value}}`.",
    request=SupplementAnswerSerializer,
    responses={200: ThemeCaseDetailSerializer, **problems(*WRITE)},
)
class ThemeCaseSupplementAnswer(APIView):
    permission_classes = [IsApplicant]

    def post(self, request, pk: int):
        case = get_theme_case_for_applicant(request.user, pk)
        serializer = SupplementAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = theme_case_supplement_answer(
            actor=request.user,
            case=case,
            comment=serializer.validated_data.get("comment", ""),
            corrections=serializer.validated_data.get("corrections") or {},
        )
        return _detail(case)


@extend_schema(
    tags=["public"],
    summary="A one-thing case's progress with its tracking number and query code",
    description="No sign-in; no personal data: each member's service, department, state and "
    "dates. The same ten tries per address in ten minutes as the lookup page; a wrong pair "
    "answers 404 whichever part was wrong.",
    request=TrackRequestSerializer,
    responses={200: CaseTrackSerializer, **problems(400, 404, 429)},
    examples=[
        OpenApiExample(
            "Lookup",
            request_only=True,
            value={"tracking_number": "RESTAURANT-20260615-00001", "query_code": "123456"},
        )
    ],
)
class ThemeCaseTrack(APIView):
    permission_classes = [Public]
    authentication_classes = []

    def post(self, request):
        if not LOOKUP_LIMIT.hit(client_ip(request) or "unknown"):
            raise Throttled()
        serializer = TrackRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = find_theme_case_by_tracking(
            serializer.validated_data["tracking_number"], serializer.validated_data["query_code"]
        )
        if case is None:
            raise NotFound()
        case.track_members = case_members(case)
        response = Response(CaseTrackSerializer(case).data)
        response["Cache-Control"] = "private, no-store"
        return response
