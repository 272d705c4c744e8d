"""An applicant's personal tokens, managed from the signed-in session (not with a token)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.authentication import PortalSessionAuthentication
from approvals.api.permissions import IsSessionUser
from approvals.api.schema import READ, WRITE, problems
from approvals.api.serializers.applicant import (
    TokenCreatedSerializer,
    TokenCreateSerializer,
    TokenSerializer,
)
from approvals.models.api import PersonalToken
from approvals.services.api_credentials import personal_token_create, personal_token_revoke


def _live_tokens(user):
    return PersonalToken.objects.filter(user=user, revoked_at__isnull=True)


@extend_schema(tags=["tokens"])
class TokenList(APIView):
    authentication_classes = [PortalSessionAuthentication]
    permission_classes = [IsSessionUser]

    @extend_schema(
        summary="My personal tokens (never their values)",
        responses={200: TokenSerializer(many=True), **problems(*READ)},
        examples=[
            OpenApiExample(
                "One",
                response_only=True,
                value={
                    "id": 3,
                    "name": "My phone",
                    "token_prefix": "pat_Qm9vZ2xl",
                    "created_at": "2026-06-15T09:00:00+08:00",
                    "last_used_at": "2026-06-15T09:30:00+08:00",
                },
            )
        ],
    )
    def get(self, request):
        return Response(TokenSerializer(_live_tokens(request.user), many=True).data)

    @extend_schema(
        summary="Create a personal token (applicants only; shown once)",
        description="Needs the session and its CSRF token. Officials cannot hold tokens: their "
        "work needs the session with the second factor.",
        request=TokenCreateSerializer,
        responses={201: TokenCreatedSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Request", request_only=True, value={"name": "My phone"}),
            OpenApiExample(
                "Created",
                response_only=True,
                value={
                    "id": 3,
                    "name": "My phone",
                    "token_prefix": "pat_Qm9vZ2xl",
                    "created_at": "2026-06-15T09:00:00+08:00",
                    "last_used_at": None,
                    "token": "pat_Qm9vZ2xlIGlzIG5vdCBhIHJlYWwgdG9rZW4gYXQgYWxs",
                },
            ),
        ],
    )
    def post(self, request):
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = personal_token_create(
            actor=request.user, name=serializer.validated_data["name"]
        )
        token.token = raw
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["tokens"],
    summary="Revoke one of my tokens",
    responses={204: None, **problems(*WRITE)},
)
class TokenDetail(APIView):
    authentication_classes = [PortalSessionAuthentication]
    permission_classes = [IsSessionUser]

    def delete(self, request, pk: int):
        token = get_object_or_404(_live_tokens(request.user), pk=pk)
        personal_token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
