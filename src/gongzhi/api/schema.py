"""OpenAPI: every operation lists the errors it can answer, all in the one error format."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.schemas.inspectors import ViewInspector

from gongzhi.api.errors import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: _("Invalid input (code `invalid`, problems per field in `fields`)."),
    401: _("No or wrong credentials (code `not_authenticated` or `authentication_failed`)."),
    403: _("Not allowed here (code `permission_denied`)."),
    404: _("No such object, or not one you may see (code `not_found`)."),
    409: _("The object changed in the meantime (code `conflict`)."),
    413: _("The request body is too large (code `too_large`)."),
    415: _(
        "The body's Content-Type is not one this operation reads (code `unsupported_media_type`)."
    ),
    429: _(
        "Too many requests (code `throttled`) or failed log-ins (`locked_out`); header "
        "Retry-After gives the seconds to wait."
    ),
}

# Paging parameters: a wrong cursor is a 404 (DRF), a wrong page size is ignored.
PAGING = {"cursor", "page_size"}


def error_response(status: int) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=str(ERROR_DESCRIPTIONS[status]))


class ApiSchema(AutoSchema):
    """AutoSchema that adds the error responses an operation can give.

    Responses declared with @extend_schema win; the others follow from the view: 400 with
    input, 401 unless public, 403 with a permission beyond "logged in" (or a session's CSRF
    check), 404 with parameters (path, filters or cursor), 413 and 415 with a body, 429 always (rate
    limits, api/throttling.py). Others, such as 409 from a
    service's Conflict, are declared on the view with `error_response(409)`.
    """

    def error_statuses(self) -> list[int]:
        parameters = self._get_parameters()
        query = {p["name"] for p in parameters if p["in"] == "query"}
        in_path = any(p["in"] == "path" for p in parameters)
        checks = [type(p) for p in self.view.get_permissions()]
        statuses = []
        if self.method in {"POST", "PUT", "PATCH"} or query - PAGING:
            statuses.append(400)
        if any(check is not AllowAny for check in checks):
            statuses.append(401)
        if any(check not in {AllowAny, IsAuthenticated} for check in checks) or (
            self.method not in SAFE_METHODS
            and any(isinstance(a, SessionAuthentication) for a in self.view.get_authenticators())
        ):
            statuses.append(403)  # a permission refused, or the CSRF check of a session
        if in_path or query:
            statuses.append(404)
        if self.method in {"POST", "PUT", "PATCH"}:
            statuses += [413, 415]
        statuses.append(429)
        return statuses

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status in self.error_statuses():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    error_response(status), str(status), direction=direction
                )
        return responses


class Documented:
    """Mixin for API views: their operations document their error responses (ApiSchema)."""

    schema: ViewInspector | None = ApiSchema()


class LocalTimeFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """A time of day (a shift's start, say) is local Beijing time without an offset, "14:00:00".
    OpenAPI's `format: time` is RFC 3339's full-time, which needs an offset, so validators
    (and schemathesis) rightly refused the API's own answers: a pattern says what they are."""

    target_class = "rest_framework.fields.TimeField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
            "description": str(_("A time of day in Beijing time, HH:MM[:SS].")),
            "example": "14:00:00",
        }
