"""One error format for the whole API: {"code": ..., "message": ..., "fields": {...}}.

`code` is stable and meant for programs (`invalid`, `not_authenticated`, `permission_denied`,
`not_found`, `method_not_allowed`, `conflict`, `locked_out`…); `message` is for people, in the
request's language; `fields` maps a parameter or field name to its problems (validation only).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
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


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = gettext_lazy("The request is too large.")


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
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        exc = TooLarge()
    elif isinstance(exc, OverflowError | DataError):
        # A number or text the database cannot hold (an id beyond 64 bits on SQLite, a value
        # out of a column's range on PostgreSQL): the input is at fault, not the server.
        exc = exceptions.ValidationError(
            _("A value is out of the range the system can store."), code="invalid"
        )
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        response.data = error_body(_code_of(exc), str(exc.detail))
    return response


def error_response(exc: Exception, context: dict[str, Any]) -> HttpResponse:
    """An error answered as JSON outside an APIView (cases/fast_intake.py): the body and status
    `exception_handler` gives, rendered as the API renders it. Anything it does not answer is
    raised again (a 500, as in a view)."""
    response = exception_handler(exc, context)
    if response is None:
        raise exc
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return HttpResponse(
        JSONRenderer().render(response.data),
        status=response.status_code,
        content_type="application/json",
        headers=headers,
    )


def _error_in_format(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """An error under /open311/ in the spec's format (by the URL's extension), else the API's."""
    if request.path.startswith("/open311/"):
        from gongzhi.open311 import formats

        return formats.errors(formats.format_of(request.path), status, [message])
    return JsonResponse(error_body(code, message), status=status)


def too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body over GONGZHI_API_MAX_BODY_BYTES (api/middleware.py)."""
    return _error_in_format(request, 413, TooLarge.default_code, str(TooLarge.default_detail))


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the error format under /api/ and /open311/, Django's page elsewhere."""
    if request.path.startswith(("/api/", "/open311/")):
        message = _("Something went wrong on our side; please try again.")
        return _error_in_format(request, 500, "server_error", message)
    return defaults.server_error(request)
