"""Public 一件事 endpoints: the published themes and a theme's guide for the answers given."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.permissions import Public
from approvals.api.schema import PUBLIC_READ, problems
from approvals.api.serializers.themes import ThemeGuideSerializer, ThemeSummarySerializer
from approvals.domain.themes import parse_answers
from approvals.models import ThemeMember
from approvals.selectors.themes import get_published_theme, published_themes, theme_plan
from approvals.services.theme_case_drafts import ANSWER_PROBLEMS

THEME_EXAMPLE = {
    "code": "OPEN-RESTAURANT",
    "version": 1,
    "name": "我要开餐馆",
    "summary": "一次告知、一表申请、一套材料、一窗受理",
    "for_persons": True,
    "for_businesses": True,
    "lead_department": "city-admin-service",
    "services": ["ENT-REG", "IND-REG", "FOOD-LIC", "FIRE-CHECK", "AD-PERMIT", "DRAIN-PERMIT"],
}


def typed_answers(questions: list[dict], raw) -> dict:
    """The guiding questions' answers from ``raw`` (query parameters or a JSON object), typed;
    an answer that is not one raises 400 keyed by the question."""
    answers, refused = parse_answers(questions, raw)
    if refused:
        raise ValidationError(
            {key: [str(ANSWER_PROBLEMS[problem])] for key, problem in refused.items()}
        )
    return answers


@extend_schema(
    tags=["public"],
    summary="Published 一件事 themes (a life event applied for as one)",
    parameters=[OpenApiParameter("applicant_kind", str, enum=["person", "business"])],
    responses={200: ThemeSummarySerializer(many=True), **problems(*PUBLIC_READ)},
    examples=[OpenApiExample("One theme", response_only=True, value=THEME_EXAMPLE)],
)
class ThemeList(generics.ListAPIView):
    permission_classes = [Public]
    authentication_classes = []
    serializer_class = ThemeSummarySerializer

    def get_queryset(self):
        versions = published_themes().prefetch_related(
            Prefetch(
                "members",
                ThemeMember.objects.select_related("service_item").order_by("position", "pk"),
            )
        )
        kind = self.request.query_params.get("applicant_kind")
        if kind == "person":
            versions = versions.filter(for_persons=True)
        elif kind == "business":
            versions = versions.filter(for_businesses=True)
        return versions


@extend_schema(
    tags=["public"],
    summary="A theme's guide for the answers given (一次告知)",
    description="The guiding questions' answers are query parameters named by the questions' "
    "keys (`?company_kind=individual&seats=60&street_sign=true`): a yes/no as true/false, a "
    "number as digits, a choice as its value. Unanswered questions hold no condition. The "
    "answer lists the members that apply in start order, each shared field and material once "
    "(with the members needing it), each member's own fields and materials, the total time "
    "(the longest chain of statutory and promised limits, and the same limits one after "
    "another), the fees summed, the departments, and the fields and uploads the applicant faces "
    "against the same services applied for one by one. An answer that is not one answers 400.",
    responses={200: ThemeGuideSerializer, **problems(*PUBLIC_READ)},
)
class ThemeGuide(APIView):
    permission_classes = [Public]
    authentication_classes = []

    def get(self, request, code: str):
        version = get_published_theme(code)
        raw = {key: request.query_params.get(key) for key in request.query_params}
        answers = typed_answers(version.questions, raw)
        return Response(ThemeGuideSerializer(theme_plan(version, answers)).data)
