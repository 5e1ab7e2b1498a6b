"""The intake queue's own door: a report sent to wait is accepted without the APIView.

`POST /api/v1/cases/` with `Prefer: respond-async` is the request the platform must take most
of (bursts of reports; issue 4's target is 0.7 × a one-row INSERT). For the common case — a
JSON report with an API token — this view does what `CaseListCreate.post` does for it, with the
same parts: the view's token authentication, permission and throttle classes, DRF's JSON
parser (given the Django request: they read only its headers, body, user and method),
`apis.queue_report` (the same serializer, built once; the same checks and INSERT; the same
answer as the GET of a queued report), the API's error handler and renderer. It leaves out
the APIView's per-request plumbing (the wrapped request, content negotiation, the wrapped
response and its rendering): about a tenth of the request, measured in-process.

Anything else goes to the APIView unchanged, and so does anything this view is not sure of
before it has counted the request against the rate limits (no token, a token refused, a client
that prefers another format than JSON, a body that is not JSON or too large to read at once, a
report that may not wait): the APIView answers it, in its own words.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from gongzhi.api.authentication import TokenAuthentication
from gongzhi.api.errors import error_response
from gongzhi.cases import apis, intake

_JSON = JSONRenderer()
_parser = JSONParser()


# Accept headers that plainly take JSON (most clients send one of these, or none).
_PLAINLY_JSON = frozenset({"", "*/*", "application/json"})


def _fast(request: HttpRequest) -> HttpResponse | None:
    """The 202 for a queued report, an error in the API's format once the request counted
    against the rate limits, or None: the APIView answers."""
    if request.method != "POST" or request.content_type != "application/json":
        return None
    if not intake.prefers_async(request.headers.get("Prefer", "")):
        return None
    if not request.headers.get("Authorization", "").startswith(f"{TokenAuthentication.keyword} "):
        return None
    # JSON is what the client prefers (the APIView would pick its browsable HTML for a browser).
    accept = request.headers.get("Accept", "").strip()
    if accept not in _PLAINLY_JSON and (
        request.get_preferred_type(["application/json", "text/html"]) != "application/json"
    ):
        return None
    view = apis.CaseListCreate(format_kwarg=None, args=(), kwargs={})
    token = next((a for a in view.get_authenticators() if isinstance(a, TokenAuthentication)), None)
    if token is None:
        return None
    # DRF's own classes are given the Django request itself: they read only its headers, user
    # and method (the throttle reads `_request` for anonymous callers only, never here), and a
    # DRF Request around it would only add its wrapping.
    as_drf = cast(Request, request)
    try:
        authenticated = token.authenticate(as_drf)
        # As DRF's Request parses: in the charset the request names, else the default.
        context = {"encoding": request.encoding or settings.DEFAULT_CHARSET}
        data = _parser.parse(io.BytesIO(request.body), request.content_type, context)
    except (exceptions.APIException, RequestDataTooBig):
        # A token refused, a body that is not JSON, or one larger than Django reads into
        # memory (GONGZHI_MAX_FORM_MB): the APIView answers them (401, 400, 413).
        return None
    if authenticated is None or not apis.queueable(data, files=False):
        return None
    user, request.auth = authenticated  # type: ignore[attr-defined]
    request.user = user
    view.request, view.headers = as_drf, {}
    try:
        view.check_permissions(as_drf)
        view.check_throttles(as_drf)
        body, headers = apis.queue_report(request, user, data)
    except Exception as exc:  # noqa: BLE001 — answered as the APIView would (or raised again)
        return error_response(exc, {"request": request, "view": view})
    return HttpResponse(
        _JSON.render(body),
        status=status.HTTP_202_ACCEPTED,
        content_type="application/json",
        headers=headers,
    )


def with_fast_intake(api_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`CaseListCreate.as_view()` with the queue's door in front (for the URL `cases/`). The
    APIView's attributes are kept on it, so the schema and the router still see the APIView."""

    @functools.wraps(api_view)
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _fast(request) or api_view(request, *args, **kwargs)

    return view
