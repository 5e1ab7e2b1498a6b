"""The size limit of request bodies on the REST API and Open311: 413 in their error formats.

Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not a JSON body, which DRF reads
itself; this middleware refuses any body announced larger than GONGZHI_API_MAX_BODY_BYTES
before a byte of it is read.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gongzhi.api.errors import too_large

PREFIXES = ("/api/", "/open311/")


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIXES):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.GONGZHI_API_MAX_BODY_BYTES:
                return too_large(request)
        return self.get_response(request)
