from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from gongzhi.core import request_context


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: behind a proxy, the proxy must set it (e.g. gunicorn --forwarded-allow-ips).
    return str(request.META.get("REMOTE_ADDR", ""))


def channel_for(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/open311/"):
        return "open311"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = request_context.RequestContext(
            ip=client_ip(request), channel=channel_for(request.path)
        )
        with request_context.using(context):
            return self.get_response(request)
