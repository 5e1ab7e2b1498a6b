"""The intake queue's own door: a report sent to wait is accepted without the APIView.

`POST /api/v1/cases/` with `Prefer: respond-async` is the request the platform must take most
of (bursts of reports; issue 4's target is 0.7 × a one-row INSERT). For the common case — a
JSON report with an API token — this view does what `CaseListCreate.post` does for it, with the
same parts: the view's token authentication, permission and throttle classes, DRF's JSON
parser, `apis.queue_report` (the same serializers, built once; the same checks and INSERT),
the API's error handler and renderer. It leaves out the APIView's per-request plumbing (content
negotiation, the wrapped response and its rendering), about a fifth of the request.

Anything else goes to the APIView unchanged, and so does anything this view is not sure of
before it has counted the request against the rate limits (no token, a token refused, a client
that prefers another format than JSON, a body that is not JSON, a report that may not wait):
the APIView answers it, in its own words.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from gongzhi.api.authentication import TokenAuthentication
from gongzhi.api.errors import error_response
from gongzhi.cases import apis, intake

_JSON = JSONRenderer()


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
    if request.get_preferred_type(["application/json", "text/html"]) != "application/json":
        return None
    view = apis.CaseListCreate(format_kwarg=None, args=(), kwargs={})
    authenticators = [a for a in view.get_authenticators() if isinstance(a, TokenAuthentication)]
    if not authenticators:
        return None
    drf_request = Request(request, parsers=[JSONParser()], authenticators=authenticators)
    try:
        user = drf_request.user
        data = drf_request.data
    except exceptions.APIException:  # a token refused, a body that is not JSON
        return None
    if not user.is_authenticated or not apis.queueable(data, files=False):
        return None
    view.request, view.headers = drf_request, {}
    try:
        view.check_permissions(drf_request)
        view.check_throttles(drf_request)
        body, headers = apis.queue_report(drf_request, user, data)
    except Exception as exc:  # noqa: BLE001 — answered as the APIView would (or raised again)
        return error_response(exc, {"request": drf_request, "view": view})
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
