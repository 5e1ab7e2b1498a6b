"""GeoReport v2 endpoints (and mySociety's service request updates), XML and JSON.

Each view reads its parameters, calls a selector or service, and returns a `Document`; the
`endpoint` decorator does the rest the same way for all: the method, rate limits, the api_key,
jurisdiction_id, the format and the spec's errors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.accounts.models import ApiKey
from gongzhi.api import ratelimit
from gongzhi.cases.choices import IntakeState
from gongzhi.cases.intake import intake_by_token, prefers_async
from gongzhi.core.errors import DomainError
from gongzhi.core.middleware import client_ip
from gongzhi.open311 import formats, params, selectors, services
from gongzhi.open311.auth import api_key_for
from gongzhi.open311.formats import Document
from gongzhi.open311.params import Open311Error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_PAGE_SIZE = 1000

View = Callable[..., Document]


def _limit(request: HttpRequest, key: ApiKey | None) -> None:
    if key is not None:
        scope, ident, rate = "key", str(key.pk), settings.GONGZHI_OPEN311_RATE_KEY
    else:
        scope, ident, rate = "ip", client_ip(request), settings.GONGZHI_OPEN311_RATE_IP
    wait = ratelimit.limit(scope, ident, rate)
    if wait is not None:
        raise Open311Error(
            429,
            _("Too many requests: try again in %(seconds)d seconds.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )


def endpoint(*methods: str) -> Callable[[View], Callable[..., HttpResponse]]:
    def decorate(view: View) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
            try:
                raw_key = params.value(request, "api_key")
                key = api_key_for(raw_key)
                _limit(request, key)
                if request.method not in methods:
                    raise Open311Error(
                        405,
                        _("This resource answers %(methods)s only.")
                        % {"methods": ", ".join(methods)},
                        headers={"Allow": ", ".join(methods)},
                    )
                if raw_key and key is None:
                    raise Open311Error(403, _("Invalid api_key: it is unknown or was revoked."))
                jurisdiction = params.value(request, "jurisdiction_id")
                if jurisdiction and jurisdiction != settings.GONGZHI_OPEN311_JURISDICTION:
                    raise Open311Error(
                        404, _("jurisdiction_id %(id)s was not found.") % {"id": jurisdiction}
                    )
                document = view(request, key=key, **kwargs)
            except Open311Error as exc:
                response = formats.errors(fmt, exc.status, exc.descriptions)
                for header, header_value in exc.headers.items():
                    response[header] = header_value
                return response
            except (RequestDataTooBig, TooManyFieldsSent):
                return formats.errors(fmt, 413, [_("The request is too large.")])
            except DomainError as exc:
                status = exc.status if exc.status in {403, 404} else 400
                return formats.errors(fmt, status, [exc.message])
            response = formats.render(document, fmt)
            for header, header_value in document.headers.items():
                response[header] = header_value
            return response

        return wrapper

    return decorate


def _require_key(key: ApiKey | None) -> ApiKey:
    if key is None:
        raise Open311Error(403, _("api_key is required to write."))
    return key


# ---------------------------------------------------------------- discovery and services


@endpoint("GET")
def discovery(request: HttpRequest, key: ApiKey | None) -> Document:
    changeset = selectors.services_changeset()
    site = request.build_absolute_uri("/").rstrip("/")
    return Document(
        "discovery",
        {
            "changeset": changeset,
            "contact": settings.GONGZHI_OPEN311_CONTACT
            or _("Contact the operators of %(site)s.") % {"site": site},
            "key_service": _(
                "Ask the operators of %(site)s for an API key (they create one with "
                "`gongzhi apikey create`)."
            )
            % {"site": site},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@endpoint("GET")
def service_list(request: HttpRequest, key: ApiKey | None) -> Document:
    return Document("services", selectors.service_list())


@endpoint("GET")
def service_definition(request: HttpRequest, key: ApiKey | None, code: str) -> Document:
    category = selectors.service_get(code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    return Document("service_definition", selectors.service_definition(category))


# ---------------------------------------------------------------- requests


def _extensions(request: HttpRequest) -> bool:
    return params.value(request, "extensions").lower() in {"true", "1", "yes"}


def _rows(request: HttpRequest, cases: list[Any]) -> list[dict[str, Any]]:
    return selectors.request_rows(
        cases, absolute=request.build_absolute_uri, extensions=_extensions(request)
    )


def _report_input(request: HttpRequest) -> services.ReportInput:
    fields = {
        name: params.value(request, name)
        for name in (
            "service_code",
            "lat",
            "long",
            "address_string",
            "address_id",
            "description",
            "email",
            "device_id",
            "account_id",
            "first_name",
            "last_name",
            "phone",
            "media_url",
        )
    }
    photos = [upload for name in request.FILES for upload in request.FILES.getlist(name)]
    return services.ReportInput(attributes=params.attributes(request), photos=photos, **fields)


@endpoint("GET", "POST")
def requests(request: HttpRequest, key: ApiKey | None) -> Document:
    if request.method == "POST":
        data = _report_input(request)
        if prefers_async(request.headers.get("Prefer", "")) and not data.photos:
            queued = services.request_queue(key=_require_key(key), data=data)
            return Document(
                "service_requests",
                [
                    {
                        "token": str(queued.pk),
                        "service_notice": _(
                            "Received; it is being registered. GET tokens/%(token)s gives its "
                            "service_request_id."
                        )
                        % {"token": queued.pk},
                        "account_id": data.account_id or None,
                    }
                ],
                headers={"Preference-Applied": "respond-async"},
            )
        case = services.request_create(key=_require_key(key), data=data)
        return Document(
            "service_requests",
            [
                {
                    "service_request_id": case.number,
                    "service_notice": services.service_notice(case),
                    "account_id": data.account_id or None,
                }
            ],
        )
    ids = params.values(request, "service_request_id")
    page = params.positive_int(request, "page", 1, 10**6)
    page_size = params.positive_int(request, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    if ids:
        cases = selectors.request_list(ids=ids[:MAX_PAGE_SIZE], page=page, page_size=page_size)
    else:
        statuses = [s.lower() for s in params.values(request, "status")]
        unknown = [s for s in statuses if s not in {"open", "closed"}]
        if unknown:
            raise Open311Error(400, _("status must be open or closed."))
        window = params.window(request)
        filters = selectors.RequestFilters(
            start=window.start,
            end=window.end,
            service_codes=params.values(request, "service_code"),
            statuses=statuses,
        )
        cases = selectors.request_list(filters=filters, page=page, page_size=page_size)
    return Document("service_requests", _rows(request, cases))


@endpoint("GET")
def request_detail(request: HttpRequest, key: ApiKey | None, request_id: str) -> Document:
    case = selectors.request_get(request_id)
    if case is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": request_id})
    return Document("service_requests", _rows(request, [case]))


@endpoint("GET")
def token(request: HttpRequest, key: ApiKey | None, token: str) -> Document:
    """A token is a queued request's id (POST with `Prefer: respond-async`): its
    service_request_id once registered. A request created at once has its own id as token."""
    queued = intake_by_token(token)
    if queued is not None:
        entry: dict[str, Any] = {"token": token}
        if queued.case is not None:
            entry["service_request_id"] = queued.case.number
        elif queued.state == IntakeState.REJECTED:
            entry["service_notice"] = _("It could not be registered: %(reasons)s") % {
                "reasons": " ".join(m for msgs in queued.errors.values() for m in msgs)
            }
        else:
            entry["service_notice"] = _("Queued; it is being registered.")
        return Document("service_requests", [entry])
    case = selectors.request_get(token)
    if case is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    return Document("service_requests", [{"service_request_id": case.number, "token": token}])


# ---------------------------------------------------------------- updates (mySociety)


@endpoint("GET", "POST")
def updates(request: HttpRequest, key: ApiKey | None) -> Document:
    if request.method == "POST":
        pushed = services.update_push(
            key=_require_key(key),
            service_request_id=params.value(request, "service_request_id"),
            status=params.value(request, "status"),
            description=params.value(request, "description"),
            update_id=params.value(request, "update_id"),
            updated_datetime=params.moment(request, "updated_datetime"),
        )
        return Document("service_request_updates", [{"update_id": str(pushed.event.pk)}])
    window = params.window(request)
    page = params.positive_int(request, "page", 1, 10**6)
    page_size = params.positive_int(request, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    events = selectors.update_list(
        start=window.start, end=window.end, page=page, page_size=page_size
    )
    return Document(
        "service_request_updates",
        selectors.update_rows(events, absolute=request.build_absolute_uri),
    )


@endpoint("GET", "POST")
def no_resource(request: HttpRequest, key: ApiKey | None) -> Document:
    raise Open311Error(404, _("There is no such resource; see discovery.xml."))
