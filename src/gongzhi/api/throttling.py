"""Rate limits of the REST API, counted by the shared limiter (api/ratelimit.py).

Every request counts against one budget: the user's (whoever holds a token or a session) or,
without credentials, the IP address's. Writes (POST, PUT, PATCH, DELETE) count besides against
a smaller budget of the same user or address. Over a budget the answer is 429 `throttled` in
the error format, with Retry-After. The rates are read at each request, so tests and operators
may change them without a restart.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from gongzhi.api import ratelimit
from gongzhi.core.middleware import client_ip


class ApiRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is not None and user.is_authenticated:
            who, rate = f"user:{user.pk}", settings.GONGZHI_API_RATE_USER
        else:
            who, rate = f"ip:{client_ip(request._request)}", settings.GONGZHI_API_RATE_ANON
        waits = [ratelimit.limit("api", who, rate)]
        if request.method not in SAFE_METHODS:
            waits.append(ratelimit.limit("api-write", who, settings.GONGZHI_API_RATE_WRITE))
        refused = [wait for wait in waits if wait is not None]
        self._wait = max(refused) if refused else None
        return not refused

    def wait(self) -> float | None:
        return self._wait
