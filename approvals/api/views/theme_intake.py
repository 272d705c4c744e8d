"""The window's side of a one-thing case (一窗受理): the cases waiting at my windows, one case with
its members, and the four decisions on the whole — accept, accept with a pledge for named
materials of named members (容缺受理), one supplement notice covering every member and
department (一次性告知), refuse. Session with a verified second factor (``IsIntakeClerk``), as
the single applications' intake; the same selector, choices and services as the window's page
(``approvals/views/theme_intake.py``): a case outside my windows answers 404, a stale revision
or a case no longer at the window 409, a member, material or field the case does not have 400."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.permissions import IsIntakeClerk
from approvals.api.schema import READ, problems
from approvals.api.serializers.common import RevisionSerializer
from approvals.api.serializers.official import RefuseSerializer
from approvals.api.serializers.theme_intake import (
    CasePledgeSerializer,
    CaseSupplementRequestSerializer,
    IntakeCaseDetailSerializer,
    IntakeCaseSerializer,
    intake_case_detail,
)
from approvals.api.views.official import _Action, _action_schema
from approvals.forms.theme_intake import case_choices
from approvals.selectors.theme_intake import (
    case_members,
    get_theme_case_for_intake,
    theme_intake_queue,
)
from approvals.services import theme_intake as services
from approvals.services.case_files import theme_case_file_open
from approvals.services.theme_supplement import theme_case_request_supplement

CASE_EXAMPLE = {
    "id": 12,
    "tracking_number": "RESTAURANT-20260615-00001",
    "theme": "RESTAURANT",
    "theme_name": "我要开餐馆",
    "applicant_kind": "person",
    "applicant": "王芳 (3501**********0021)",
    "status": "submitted",
    "revision": 3,
    "submitted_at": "2026-06-15T09:30:00+08:00",
    "received_on": "2026-06-15",
}
MEMBER_EXAMPLE = {
    "id": 41,
    "member_key": "food",
    "tracking_number": "FOOD-LIC-20260615-00003",
    "service": "FOOD-LIC",
    "service_name": "食品经营许可",
    "department": "fz-market",
    "status": "submitted",
    "status_label": "Submitted",
    "revision": 2,
    "received_on": "2026-06-15",
    "intake_due_on": "2026-06-22",
    "accepted_on": None,
    "data": {"shop_name": "老福州小吃"},
    "waits_for": ["company"],
    "materials": [
        {"material_key": "lease", "name": "租赁合同", "required": True, "attachments": []}
    ],
}


def _detail(case) -> dict:
    members = case_members(case)
    return intake_case_detail(case, members, case_choices(case, members))


@extend_schema(
    tags=["official"],
    summary="One-thing cases waiting at my windows, oldest receipt first (one row a case)",
    description="The cases whose applicant is preparing the supplement are not listed.",
    responses={200: IntakeCaseSerializer(many=True), **problems(*READ)},
    examples=[OpenApiExample("Waiting", response_only=True, value=CASE_EXAMPLE)],
)
class IntakeCaseQueue(generics.ListAPIView):
    permission_classes = [IsIntakeClerk]
    serializer_class = IntakeCaseSerializer

    def get_queryset(self):
        return theme_intake_queue(self.request.user)


@extend_schema(
    tags=["official"],
    summary="A one-thing case at my window: every member with its answers and materials",
    description="The opening is recorded on the case's trail, naming every member application "
    "seen (who saw what).",
    responses={200: IntakeCaseDetailSerializer, **problems(*READ)},
    examples=[
        OpenApiExample(
            "At the window",
            response_only=True,
            value={
                **CASE_EXAMPLE,
                "intake_due_on": "2026-06-22",
                "can_decide": True,
                "members": [MEMBER_EXAMPLE],
                "supplement_materials": [{"key": "shared:lease", "name": "租赁合同"}],
                "pledgeable_materials": [{"key": "food:lease", "name": "食品经营许可 — 租赁合同"}],
                "correctable_fields": [{"key": "food:shop_name", "name": "食品经营许可 — 店名"}],
            },
        )
    ],
)
class IntakeCaseDetail(APIView):
    permission_classes = [IsIntakeClerk]

    def get(self, request, pk: int):
        case = get_theme_case_for_intake(request.user, pk)
        theme_case_file_open(actor=request.user, case=case)
        return Response(_detail(case))


class _CaseAction(_Action):
    """One decision on the whole case: the input is checked against what the case has (the
    page's choices); the answer is the case as it is now."""

    permission_classes = [IsIntakeClerk]
    fetch = get_theme_case_for_intake

    def serializer_context(self, case) -> dict:
        return {"choices": case_choices(case, case_members(case))}

    def answer(self, case) -> dict:
        return _detail(case)


_case_schema = _action_schema(IntakeCaseDetailSerializer)


@_case_schema(
    "Accept the whole case (一窗受理): each member goes to its department; one that needs "
    "another's licence waits for it",
    RevisionSerializer,
    {"revision": 3},
)
class IntakeCaseAccept(_CaseAction):
    def perform(self, user, case, data):
        services.theme_case_accept(actor=user, case=case, **data)


@_case_schema(
    "Accept the whole case with named materials of named members handed in later (容缺受理)",
    CasePledgeSerializer,
    {
        "revision": 3,
        "pledges": [{"member": "sign", "material": "site_use_proof"}],
        "due_on": "2026-06-30",
        "note": "",
    },
)
class IntakeCaseAcceptWithPledge(_CaseAction):
    serializer_class = CasePledgeSerializer

    def perform(self, user, case, data):
        services.theme_case_accept_with_pledge(actor=user, case=case, **data)


@_case_schema(
    "One supplement notice covering every member and department (一次性告知); their clocks pause",
    CaseSupplementRequestSerializer,
    {
        "revision": 3,
        "items": [
            {"material": "shared:lease", "problem": "The lease is not signed."},
            {"member": "food", "field": "shop_name", "problem": "Not the name on the lease."},
        ],
        "reply_by": "2026-06-30",
    },
)
class IntakeCaseRequestSupplement(_CaseAction):
    serializer_class = CaseSupplementRequestSerializer

    def perform(self, user, case, data):
        theme_case_request_supplement(actor=user, case=case, **data)


@_case_schema(
    "Refuse acceptance of the whole case with reasons (and where to apply)",
    RefuseSerializer,
    {
        "revision": 3,
        "reasons": "Not a matter of this city.",
        "competent_agency": "福建省市场监督管理局",
        "not_our_matter": True,
    },
)
class IntakeCaseRefuse(_CaseAction):
    serializer_class = RefuseSerializer

    def perform(self, user, case, data):
        services.theme_case_refuse(actor=user, case=case, **data)
