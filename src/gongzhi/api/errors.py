"""One error format for the whole API: {"code": ..., "message": ..., "fields": {...}}.

`code` is stable and meant for programs (`invalid`, `not_authenticated`, `permission_denied`,
`not_found`, `method_not_allowed`, `conflict`, `locked_out`…); `message` is for people, in the
request's language; `fields` maps a parameter or field name to its problems (validation only).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from gongzhi.core.errors import DomainError

NON_FIELD = "non_field_errors"


class ErrorSerializer(serializers.Serializer):
    """Every error of the API has this shape, whatever its status."""

    code = serializers.CharField(help_text="Stable, for programs: invalid, not_found, …")
    message = serializers.CharField(help_text="For people, in the request's language.")
    # A field named "fields" on purpose: it is the error format's key.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Problems per field or parameter (validation errors); otherwise empty.",
    )


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_credentials"
    default_detail = gettext_lazy("The username or mobile number, or the password, is wrong.")


class LockedOut(exceptions.APIException):
    """Too many failed log-ins (django-axes); `wait` seconds become the Retry-After header."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, wait: int | None) -> None:
        if wait:
            minutes = max(1, (wait + 59) // 60)
            message = ngettext(
                "Too many failed log-ins: try again in %(minutes)d minute.",
                "Too many failed log-ins: try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
        else:
            message = _("Too many failed log-ins: ask an administrator to unlock the account.")
        super().__init__(message)
        self.wait = wait


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field.sub.0": ["message", …]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or NON_FIELD] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or NON_FIELD] = [str(detail)]
    return out


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    fields = _flatten(exc.detail)
    # Errors about the request as a whole are its message; they are not a field's.
    general = fields.pop(NON_FIELD, [])
    message = " ".join(general) or _("Some fields are not valid.")
    return error_body("invalid", message, fields)


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error the API answers goes through here."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    # Django's own exceptions carry messages for developers ("No Place matches the given
    # query."); the API answers with the generic ones.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        response.data = error_body(_code_of(exc), str(exc.detail))
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the error format under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side; please try again.")),
            status=500,
        )
    return defaults.server_error(request)
