"""Tokens for users: POST username (or mobile number) and password, DELETE to revoke.

Our own view rather than DRF's obtain_auth_token, for the lockout. django-axes flags the
request object it is handed when it locks an account; DRF's view hands it DRF's request, so
the flag never reached anyone and a locked account was answered "wrong password" (400) for
ever. Here we hand it the same DRF request on purpose — AxesMiddleware, which only sees
Django's request, would otherwise replace our answer with its HTML page — and read the flag
ourselves to answer 429 `locked_out` in the error format.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongzhi.api import serializers as api_serializers
from gongzhi.api.authentication import TokenAuthentication
from gongzhi.api.errors import InvalidCredentials, LockedOut
from gongzhi.api.schema import Documented, error_response


class TokenView(Documented, APIView):
    # Only the token itself: no session (and so no CSRF) on the way to a token.
    authentication_classes = [TokenAuthentication]

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        summary="Get a token",
        description=(
            "Log in with a username or a mainland mobile number and a password. The same "
            "token is returned until it is revoked. After AXES_FAILURE_LIMIT (5) failed "
            "attempts from one address the account is locked there for AXES_COOLOFF_MINUTES "
            "(429, code `locked_out`, header Retry-After)."
        ),
        request=api_serializers.TokenRequestSerializer,
        responses={
            200: api_serializers.TokenSerializer,
            400: error_response(400),
            429: error_response(429),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = api_serializers.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credentials: dict[str, Any] = serializer.validated_data
        user = authenticate(
            request,  # type: ignore[arg-type]  # see the module's docstring
            username=credentials["username"],
            password=credentials["password"],
        )
        if getattr(request, "axes_locked_out", False):
            cool_off = get_cool_off(request)
            raise LockedOut(wait=int(cool_off.total_seconds()) if cool_off else None)
        if user is None:
            raise InvalidCredentials()
        # A token is a log-in: the audit log records it, axes clears the failures, Django
        # sets last_login.
        user_logged_in.send(sender=type(user), request=request, user=user)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(
        summary="Revoke your token",
        description="The token in the Authorization header stops working; get a new one to go on.",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, Token):  # the token this request came with
            request.auth.delete()
        return Response(status=204)
